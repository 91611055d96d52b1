"""`llmcost serve`: start the local web app (llmcost.report.serve) and wait for Ctrl-C."""

from __future__ import annotations

from typing import Annotated

import typer

from llmcost.cli import app
from llmcost.cli.common import err_console, resolve
from llmcost.cli.options import ConfigOption, DbOption


@app.command("serve")
def serve_cmd(
    db: DbOption = None,
    config: ConfigOption = None,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="Address to listen on; anything but 127.0.0.1/localhost needs --token.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0: any free port).")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            metavar="TOKEN",
            envvar="LLMCOST_SERVE_TOKEN",
            show_envvar=True,
            help="Require this token (16+ characters): Authorization: Bearer, or ?token= once.",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, max=3600, metavar="SECONDS", help="Query time per request.")
    ] = 10.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, max=10_000_000, metavar="N", help="Rows per answer.")
    ] = 50_000,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every request to stderr.")] = False,
) -> None:
    """A local, read-only web app over the warehouse: the overview dashboards, a spend explorer with
    drill-down, unit economics, budgets and margins, data quality, reconciliation, and a JSON API
    (/api/...) whose documents are the CLI's --format json. The warehouse is opened per request and
    closed after it, so ingest is never blocked for long. Ctrl-C or SIGTERM stops it."""
    from rich.text import Text

    from llmcost.report.serve import Reader, check_exposure, serve

    check_exposure(host, token)
    db_path, cfg = resolve(db, config)

    def say(line: str) -> None:
        err_console().print(Text(line), markup=False, highlight=False, soft_wrap=True)

    serve(
        Reader(db_path, cfg, timeout=timeout, max_rows=max_rows),
        host=host,
        port=port,
        token=token,
        verbose=verbose,
        say=say,
    )
