"""`llmcost margin`: each tenant's plan price against its LLM cost for a month (llmcost.queries.margin).

Exit codes: 0 the report was written (tenants under the floor are flagged, not an error); 2 usage
or config error, or the plans query failed; 65 a plan value is not an amount; 74 the billing
database does not answer; 75 the warehouse is busy.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

import typer

from llmcost.cli import app
from llmcost.cli.common import emit_json, emit_tenant_table, emit_text, resolve, set_color
from llmcost.cli.options import (
    ColorOption,
    ConfigOption,
    CostOption,
    DbOption,
    EngineOption,
    LakeOption,
    OutputOption,
    PagerOption,
    SparkMasterOption,
    format_option,
    output_format,
    top_rows,
)
from llmcost.errors import UsageError

_FORMATS = ("table", "json", "md", "csv")


def _month(text: str | None) -> date:
    """--month as its 1st (the budgets' parser); none: the month of yesterday."""
    if text is None:
        return (datetime.now(UTC).date() - timedelta(days=1)).replace(day=1)
    from llmcost.cli.alerts import parse_month

    return parse_month(text)


@app.command("margin")
def margin_cmd(
    month: Annotated[
        str | None, typer.Option("--month", help="YYYY-MM, a UTC month (default: the month of yesterday).")
    ] = None,
    floor: Annotated[
        float | None,
        typer.Option(
            "--floor",
            metavar="SHARE",
            help="Flag tenants whose gross margin is under this share of the price, e.g. 0.6 "
            "(default: [plans] margin_floor, else 0.5).",
        ),
    ] = None,
    features: Annotated[
        int,
        typer.Option("--features", min=0, max=20, metavar="N", help="Top features shown per tenant."),
    ] = 3,
    top: Annotated[
        str | None,
        typer.Option(
            "--top",
            help="Show the first N tenants, flagged and thinnest margin first, or all (default: 20 on "
            "a terminal, all when piped or in JSON).",
        ),
    ] = None,
    fmt: Annotated[str, format_option(*_FORMATS)] = "table",
    output: OutputOption = None,
    cost: CostOption = None,
    db: DbOption = None,
    lake: LakeOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
    pager: PagerOption = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = "local[2]",
) -> None:
    """Gross margin after LLM cost, per tenant, for a month: the plan and its monthly price (from the
    billing system: [plans] database and query), the month's LLM cost, margin in dollars and percent,
    LLM cost as a share of the price, the features behind the cost; totals by plan tier.

    Tenants under the margin floor, or with cost and no price, are flagged.
    """
    from llmcost.queries import plans as billing
    from llmcost.queries.margin import margin_report
    from llmcost.queries.scope import COST_MODES
    from llmcost.queries.session import connection

    set_color(color)
    fmt = output_format(fmt, "margin", _FORMATS)
    shown = top_rows(top, fmt=fmt, output=output)
    first = _month(month)
    if floor is not None and not -10 <= floor <= 1:
        raise UsageError(f"--floor: a share of the price between -10 and 1, e.g. 0.6 (got {floor})")
    db_path, cfg = resolve(db, config)
    mode = cost or cfg.pricing.cost_mode
    if mode not in COST_MODES:
        raise UsageError(f"--cost: unknown cost mode {mode[:20]!r}; choose from {', '.join(COST_MODES)}")
    if not cfg.plans.configured:
        raise UsageError(
            "margin needs the plans from your billing system: set [plans] database (a SQLAlchemy URL) "
            'and query ("SELECT tenant_id, plan, monthly_price_usd, llm_budget_usd FROM ...") in llmcost.toml'
        )
    plans = billing.load(cfg.plans, cfg.source_path.parent if cfg.source_path is not None else None)
    assert plans is not None
    with connection(db_path, engine, spark_master, lake) as con:
        report = margin_report(
            con,
            plans,
            first,
            cost_mode=mode,
            floor=cfg.plans.margin_floor if floor is None else floor,
            top_features=features,
            today=datetime.now(UTC).date(),
        )

    top_n = shown.rows
    if fmt == "json":
        doc = report.as_dict()
        if top_n:
            doc["tenants"] = doc["tenants"][:top_n]
        emit_json("margin", doc, output)
    elif fmt == "csv":
        from llmcost.report.margin import render_csv

        emit_text(render_csv(report), output)
    elif fmt == "md":
        from llmcost.report.margin import markdown

        emit_text(markdown(report, top_n), output)
    else:
        from llmcost.report.margin import print_margin

        emit_tenant_table(report, shown, print_margin, output)
