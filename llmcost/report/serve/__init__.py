"""`llmcost serve`: a local, read-only web app over the warehouse (the renderer side of it).

    from llmcost.report.serve import Reader, serve
    serve(Reader(db, cfg), host="127.0.0.1", port=8765)

Pages (llmcost.report.serve.pages) and a JSON API (llmcost.report.serve.api) over the same
queries and renderers as the CLI: every `/api/...` document is the CLI's `--format json` for the
same options, byte for byte; every page's state is in its URL; every table links its CSV.

Why Starlette and uvicorn: a small, maintained ASGI toolkit and server with no ORM and no
templating of its own (the pages are our jinja2 templates, as the HTML report's are); the app is a
handful of routes, one middleware (method, token, headers) and a thread pool for the DuckDB work.

The warehouse is opened read-only per request and closed before the response is sent (never held
between requests), so an ingest waits at most for one question, and every question is bounded in
time (DuckDB is interrupted) and in rows.

Starlette and uvicorn are imported only when the server starts.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from collections.abc import Callable, Iterator
from typing import Any

from llmcost.errors import UsageError
from llmcost.report.serve.api import Reader

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_exposure(host: str, token: str | None) -> None:
    """Any host but the loopback needs a token: the warehouse holds every tenant's spend."""
    if host not in LOCAL_HOSTS and not token:
        raise UsageError(
            f"--host {host[:60]} listens beyond this machine: give --token TOKEN (or LLMCOST_SERVE_TOKEN); "
            "refusing to start without one"
        )
    if token is not None and len(token) < 16:
        raise UsageError(
            "--token: use at least 16 characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe())'`)"
        )


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the server starts (so `address in use` is a clear error)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {e.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


# What the endpoints import when first asked (the CLI keeps these imports lazy for its start-up).
PRELOADED = ("queries", "report", "alerts", "pricing", "reconcile", "warehouse")


def preload() -> None:
    """Import every module of the packages the endpoints use, once, before the first request.

    The endpoints run in worker threads and import lazily (as the CLI does, for its start-up);
    two threads importing the same package for the first time at once can meet it half
    initialised (`ImportError: cannot import name ... partially initialized module`), which a
    client sees as a 500. A server pays the ~0.6 s once, at start, instead."""
    import importlib
    import pkgutil

    for name in PRELOADED:
        package = importlib.import_module(f"llmcost.{name}")
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)


def serve(
    reader: Reader,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
    verbose: bool = False,
    say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> None:
    """Serve until SIGINT or SIGTERM, then finish the requests in flight and return."""
    import uvicorn

    from llmcost.report.serve.app import create_app

    check_exposure(host, token)
    preload()
    sock = bind(host, port)
    shown_host = f"[{host}]" if ":" in host else host
    actual = sock.getsockname()[1]

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            # uvicorn would raise the signal again after its graceful stop; a stop asked for is
            # the end of a server's run, not a failure, so the command returns normally
            originals: dict[int, Any] = {
                s: signal.signal(s, self.handle_exit) for s in (signal.SIGINT, signal.SIGTERM)
            }
            try:
                yield
            finally:
                for s, handler in originals.items():
                    signal.signal(s, handler)

    import copy

    from uvicorn.config import LOGGING_CONFIG

    logging = copy.deepcopy(LOGGING_CONFIG)  # the access log on stderr too: stdout is for data
    logging["handlers"]["access"]["stream"] = "ext://sys.stderr"
    config = uvicorn.Config(
        create_app(reader, token=token),
        log_level="info" if verbose else "warning",
        access_log=verbose,
        log_config=logging,
        lifespan="off",
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    server = Server(config)
    note = " (token required)" if token else ""
    say(f"llmcost serve: http://{shown_host}:{actual}/{note} · warehouse {reader.db} · Ctrl-C stops")
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    say("llmcost serve: stopped")


__all__ = ["Reader", "check_exposure", "preload", "serve"]
