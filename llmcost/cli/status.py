"""`llmcost status`: what the warehouse holds, and what went wrong on the way in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from llmcost.cli import app
from llmcost.cli.common import deprecated, emit_json, emit_table, resolve, set_color
from llmcost.cli.options import (
    ColorOption,
    ConfigOption,
    DbOption,
    JsonFlag,
    LimitOption,
    OutputOption,
    PagerOption,
    format_option,
    output_format,
    top_rows,
)

if TYPE_CHECKING:
    pass


@app.command()
def status(
    db: DbOption = None,
    config: ConfigOption = None,
    rejects: Annotated[
        bool, typer.Option("--rejects", help="List rejected lines: file, line, reason, text.")
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="With --rejects: only this reason.")] = None,
    top: Annotated[
        str | None, typer.Option("--top", help="With --rejects: how many, or all (default 50).")
    ] = None,
    limit: LimitOption = None,
    fmt: Annotated[str, format_option("table", "json")] = "table",
    output: OutputOption = None,
    json_out: JsonFlag = False,
    color: ColorOption = "auto",
    pager: PagerOption = None,
) -> None:
    """What the warehouse holds: rows, time range, sources, rejects by reason, last runs."""
    from dataclasses import asdict

    from llmcost.warehouse import reader
    from llmcost.warehouse.inventory import inventory, reject_rows

    set_color(color)
    fmt = output_format(fmt, "status", ("table", "json"), json_flag=json_out, why="a nested document")
    if limit is not None:
        deprecated("status --limit", "status --top")
    given, option = (limit, "--limit") if top is None and limit is not None else (top, "--top")
    shown = top_rows(given, default=50, option=option)
    db_path, _ = resolve(db, config)
    with reader(db_path) as wh:
        if rejects:
            rows = reject_rows(wh.con, limit=shown.rows or 10**9, reason=reason)
            if fmt == "json":
                emit_json("status.rejects", {"schema_version": 1, "rejects": rows}, output)
            else:
                from llmcost.report.status import print_rejects

                emit_table(lambda con: print_rejects(con, rows), output)
            return
        inv = inventory(wh.con)
    if fmt == "json":
        emit_json("status", {"schema_version": 1, "warehouse": str(db_path), **asdict(inv)}, output)
        return
    from llmcost.report.status import print_inventory

    emit_table(lambda con: print_inventory(con, str(db_path), inv), output)
