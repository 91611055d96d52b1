"""`llmcost export focus|grafana|otlp`: the ecosystem's formats. FOCUS CSV for finance tools, a
Grafana dashboard over the Prometheus textfile's metrics, OTLP/HTTP metrics for any collector.

`export parquet` lives in llmcost.cli.report and `export prometheus` in llmcost.cli.alerts;
importing this module registers all five (COMMANDS["export"] points here).

Exit codes: 0 written or sent; 2 usage or config error; 73 the file cannot be written; 74 the
collector did not accept the metrics after every retry; 75 the warehouse is busy.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmcost.cli import alerts as _alerts  # registers `export prometheus`
from llmcost.cli.common import err_console, resolve, set_color
from llmcost.cli.options import ColorOption, ConfigOption, CostOption, DbOption
from llmcost.cli.report import export_app
from llmcost.errors import UsageError

if TYPE_CHECKING:
    from llmcost.window import Window

__all__ = ["export_app"]

MonthOption = Annotated[str | None, typer.Option("--month", help="One calendar month, YYYY-MM (UTC days).")]
SinceDay = Annotated[
    str | None, typer.Option("--since", help="First UTC day, inclusive (widened to midnight UTC).")
]
UntilDay = Annotated[
    str | None, typer.Option("--until", help="End, exclusive (widened to the next midnight UTC).")
]


def _say(line: str) -> None:
    from rich.text import Text

    err_console().print(Text(f"llmcost: {line}"), markup=False, highlight=False)


def _month_window(month: str | None, since: str | None, until: str | None) -> Window:
    from llmcost.window import Window

    if month is not None:
        if since is not None or until is not None:
            raise UsageError("--month and --since/--until are alternatives: give one")
        first = _alerts.parse_month(month)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return Window.of_dates(first, following)
    return Window.parse(since, until, "UTC")


# -- llmcost export focus ----------------------------------------------------------------------


@export_app.command("focus", short_help="FOCUS 1.2 cost and usage CSV for FinOps tools.")
def export_focus_cmd(
    file: Annotated[Path, typer.Argument(help="The .csv file to write (atomically, 0600).")],
    month: MonthOption = None,
    since: SinceDay = None,
    until: UntilDay = None,
    cost: CostOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """FOCUS 1.2 cost and usage rows (the FinOps Foundation's billing format) as CSV: one per UTC
    day, provider, model, tenant and feature; tenant and feature in Tags. Costs are llmcost's
    estimates as exact decimal strings; unpriced usage has empty costs and a note, never $0."""
    from llmcost.queries.focus import usage_rows
    from llmcost.queries.session import prepare
    from llmcost.report.focus import write
    from llmcost.warehouse import reader

    set_color(color)
    window = _month_window(month, since, until)
    db_path, cfg = resolve(db, config)
    mode = _alerts._cost_mode(cost, cfg)
    with reader(db_path) as wh:
        window, rows = usage_rows(prepare(wh), window, mode)
    write(file, rows, mode)
    unpriced = sum(1 for r in rows if not r.priced)
    extra = f", {unpriced} unpriced (cost left empty)" if unpriced else ""
    _say(f"wrote {file} ({len(rows)} FOCUS rows{extra}; {window.describe_days()})")
