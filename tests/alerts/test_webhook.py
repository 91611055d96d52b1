"""Webhook delivery against a real HTTP server on 127.0.0.1: retries with backoff, a server that
recovers, one that never does, errors that are not retried, and the CLI's exit codes."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from llmcost.report.webhook import DeliveryFailed, post_json, redact
from tests.alerts.conftest import Month
from tests.alerts.helpers import run

SECRET = "T000/B000/XXXXSECRETXXXX"


@dataclass
class Script:
    """What the server answers, request by request (the last answer repeats)."""

    answers: list[tuple[int, dict[str, str]]]
    delay_s: float = 0.0
    received: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


class Server:
    def __init__(self, script: Script) -> None:
        self.script = script
        script_ = script

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                n = len(script_.received)
                script_.received.append(json.loads(body))
                script_.headers.append(dict(self.headers))
                if script_.delay_s:
                    time.sleep(script_.delay_s)
                status, headers = script_.answers[min(n, len(script_.answers) - 1)]
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/services/{SECRET}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[Server] = []

    def start(*answers: int | tuple[int, dict[str, str]], delay_s: float = 0.0) -> Server:
        script = Script([a if isinstance(a, tuple) else (a, {}) for a in answers], delay_s)
        server = Server(script).__enter__()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.__exit__()


def test_recovers_after_failures_with_exponential_backoff(serve: Any) -> None:
    server = serve(503, 500, 200)
    slept: list[float] = []
    said: list[str] = []
    delivery = post_json(
        server.url,
        {"text": "hi", "alerts": []},
        retries=3,
        backoff_s=0.5,
        sleep=slept.append,
        on_retry=said.append,
    )
    assert (delivery.status, delivery.attempts) == (200, 3)
    assert slept == [0.5, 1.0]
    assert len(server.script.received) == 3 and server.script.received[-1] == {"text": "hi", "alerts": []}
    assert server.script.headers[0]["Content-Type"].startswith("application/json")
    assert "attempt 1 of 4 failed (HTTP 503" in said[0]
    assert all(SECRET not in s for s in said) and delivery.target.endswith("/…")


def test_gives_up_after_bounded_retries(serve: Any) -> None:
    server = serve(500)
    slept: list[float] = []
    with pytest.raises(DeliveryFailed, match=r"delivery failed after 3 attempt\(s\): HTTP 500") as e:
        post_json(server.url, {"text": "x"}, retries=2, backoff_s=0.1, sleep=slept.append)
    assert len(server.script.received) == 3 and slept == [0.1, 0.2]
    assert SECRET not in str(e.value) and int(e.value.exit_code) == 74


def test_a_client_error_is_not_retried(serve: Any) -> None:
    server = serve(400)
    with pytest.raises(DeliveryFailed, match=r"after 1 attempt\(s\): HTTP 400.*not retried"):
        post_json(server.url, {"text": "x"}, retries=3, sleep=lambda s: None)
    assert len(server.script.received) == 1


def test_retry_after_is_honoured(serve: Any) -> None:
    server = serve((429, {"Retry-After": "2"}), 200)
    slept: list[float] = []
    assert post_json(server.url, {}, retries=1, backoff_s=0.01, sleep=slept.append).attempts == 2
    assert slept == [2.0]


def test_timeout_and_connection_refused_are_retried_then_reported(serve: Any) -> None:
    server = serve(200, delay_s=1.0)
    with pytest.raises(DeliveryFailed, match="timed out"):
        post_json(server.url, {}, timeout_s=0.2, retries=1, sleep=lambda s: None)
    assert len(server.script.received) == 2
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    attempts: list[str] = []
    with pytest.raises(DeliveryFailed, match=r"after 2 attempt\(s\)"):
        post_json(
            f"http://127.0.0.1:{port}/hook", {}, retries=1, sleep=lambda s: None, on_retry=attempts.append
        )
    assert len(attempts) == 1


def test_redact_keeps_only_scheme_and_host() -> None:
    assert redact(f"https://hooks.slack.com/services/{SECRET}") == "https://hooks.slack.com/…"
    assert redact("http://127.0.0.1:8080") == "http://127.0.0.1:8080"


# -- through the CLI ---------------------------------------------------------------------------


def test_cli_posts_slack_text_and_structured_alerts(
    planted: Month, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve(502, 200)
    day = planted.anomaly("spike")["date"]
    code, out, err = run(capsys, "alerts", "--at", day, "--webhook", server.url, *planted.cli_args())
    assert code == 1  # alerts fired, and were delivered
    assert "tenant_acme" in out
    assert "attempt 1 of 3 failed (HTTP 502" in err and "(HTTP 200, 2 attempt(s))" in err
    assert SECRET not in err
    body = server.script.received[-1]
    assert body["text"].startswith("*llmcost*: ") and "tenant_acme" in body["text"]
    assert "→ _Notify CS" in body["text"]
    assert body["schema_version"] == 1 and body["day"] == day
    spikes = [a for a in body["alerts"] if a["rule"] == "tenant-spike"]
    assert spikes[0]["subject"] == {"kind": "tenant", "id": "tenant_acme"}
    assert {"observed", "threshold", "baseline", "window", "severity", "action"} <= spikes[0].keys()


def test_cli_delivery_failure_is_exit_74_and_on_stderr(
    planted: Month, serve: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(500)
    day = planted.anomaly("spike")["date"]
    monkeypatch.setenv("LLMCOST_WEBHOOK_URL", server.url)  # the URL carries a secret: env, not the config
    code, out, err = run(capsys, "alerts", "--at", day, *planted.cli_args())
    assert code == 74
    assert "tenant_acme" in out  # the report was still written
    assert "delivery failed after 3 attempt(s): HTTP 500" in err and SECRET not in err
    assert len(server.script.received) == 3


def test_cli_sends_nothing_when_nothing_fires(
    quiet: Month, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve(200)
    code, _, err = run(capsys, "alerts", "--at", "2026-10-20", "--webhook", server.url, *quiet.cli_args())
    assert code == 0 and server.script.received == []
    assert "no alerts: nothing sent" in err


def test_cli_rejects_a_non_http_webhook(quiet: Month, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "alerts", "--at", "2026-10-20", "--webhook", "file:///etc/passwd", *quiet.cli_args()
    )
    assert code == 2 and "http:// or https://" in err
