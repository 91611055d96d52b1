"""`llmcost alerts`, `llmcost budgets` and `llmcost export prometheus FILE` (the old top-level
`llmcost export-prometheus FILE` is a hidden alias): parse, call llmcost.alerts, render, exit.

Exit codes: 0 nothing at or above --fail-on fired; 1 an alert at or above --fail-on fired;
2 usage or config error; 73 the textfile cannot be written; 74 the webhook did not accept the
alerts after every retry; 75 the warehouse is busy.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmcost.cli import app
from llmcost.cli.common import (
    alias,
    emit_json,
    emit_table,
    emit_tenant_table,
    emit_text,
    err_console,
    resolve,
    set_color,
)
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
    output_format,
    top_rows,
)
from llmcost.cli.report import export_app
from llmcost.errors import CheckFailed, UsageError
from llmcost.window import parse_day, parse_month, utc_today

if TYPE_CHECKING:
    from llmcost.alerts import Evaluation
    from llmcost.config import Config

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at", help="The UTC day to evaluate: YYYY-MM-DD, today or yesterday (default: yesterday)."
    ),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, json or md.")]

_FORMATS = ("table", "json", "md")


def _today() -> date:
    return utc_today()


def _format(fmt: str, command: str) -> str:
    return output_format(fmt, command, _FORMATS, why="a nested document: use json")


def _cost_mode(cost: str | None, cfg: Config) -> str:
    mode = cost or cfg.pricing.cost_mode
    if mode not in ("derived", "logged", "auto"):
        raise UsageError(f"--cost: unknown cost mode {mode[:20]!r}; choose from derived, logged, auto")
    return mode


# -- llmcost alerts ----------------------------------------------------------------------------


@app.command("alerts")
def alerts_cmd(
    at: AtOption = None,
    rule: Annotated[
        list[str] | None,
        typer.Option(
            "--rule",
            help="Only these rules (repeatable or comma list): tenant-spike, feature-regression, error-burn, "
            "budget-pace, embed-surge, tenant-budget, margin-floor, no-data, runaway-trace, retry-storm, "
            "session-budget.",
        ),
    ] = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when an alert at or above this severity fires: warning, critical or never "
            "(default: [alerts] fail_on, else warning).",
        ),
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook",
            envvar="LLMCOST_WEBHOOK_URL",
            show_envvar=True,
            help="POST the alerts as JSON (Slack-compatible `text` + structured `alerts`) when any fire "
            "(default: [alerts.webhook] url).",
        ),
    ] = None,
    cost: CostOption = None,
    db: DbOption = None,
    lake: LakeOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
    pager: PagerOption = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = "local[2]",
) -> None:
    """Evaluate the anomaly rules for the UTC day that just closed (or --at): tenant spike, feature
    regression, error burn, budget pace, embed surge, tenant over its plan, no data.

    Every alert names its rule, subject, observed value, threshold and baseline, window, severity
    and the runbook action configured for it. Rules that cannot be evaluated (too little history,
    no budget configured) say so. Exit 1 when an alert at or above --fail-on fires; 74 when the
    webhook does not accept the alerts after its retries.
    """
    from llmcost.alerts import evaluate, load_settings, parse_rules
    from llmcost.queries.session import connection

    set_color(color)
    fmt = _format(fmt, "alerts")
    db_path, cfg = resolve(db, config)
    settings = load_settings(cfg)
    threshold = (fail_on or settings.alerts.fail_on).strip().lower()
    if threshold not in ("warning", "critical", "never"):
        raise UsageError(f"--fail-on: choose from warning, critical, never (got {threshold[:20]!r})")
    rules = parse_rules(rule)
    day = parse_day(at)
    mode = _cost_mode(cost, cfg)
    url = webhook or settings.alerts.webhook.url
    if url:
        from llmcost.report.webhook import check_url

        url = check_url(url)
    with connection(db_path, engine, spark_master, lake) as con:
        evaluation = evaluate(con, settings, day, rules=rules, cost_mode=mode)

    if fmt == "json":
        emit_json("alerts", evaluation.as_dict(threshold), output)
    elif fmt == "md":
        from llmcost.report.alerts import markdown

        emit_text(markdown(evaluation), output)
    else:
        from llmcost.report.alerts import print_alerts

        emit_table(lambda console: print_alerts(evaluation, console), output)

    if url:
        _deliver(evaluation, url, threshold, settings.alerts.webhook)
    if evaluation.trips(threshold):
        tripped = [a for a in evaluation.alerts if threshold == "warning" or a.severity.value == "critical"]
        raise CheckFailed(f"{len(tripped)} alert(s) at or above {threshold} for {evaluation.day}")


def _deliver(evaluation: Evaluation, url: str, fail_on: str, hook: object) -> None:
    from rich.text import Text

    from llmcost.alerts.config import WebhookConfig
    from llmcost.report.webhook import post_json, redact, webhook_payload

    assert isinstance(hook, WebhookConfig)
    err = err_console()
    if not evaluation.alerts:
        err.print(Text(f"llmcost: no alerts: nothing sent to {redact(url)}"), markup=False, highlight=False)
        return

    def say(line: str) -> None:
        err.print(Text(f"llmcost: {line}"), markup=False, highlight=False)

    delivery = post_json(
        url,
        webhook_payload(evaluation, fail_on),
        timeout_s=hook.timeout_s,
        retries=hook.retries,
        backoff_s=hook.backoff_s,
        on_retry=say,
    )
    say(
        f"sent {len(evaluation.alerts)} alert(s) to {delivery.target} "
        f"(HTTP {delivery.status}, {delivery.attempts} attempt(s))"
    )


# -- llmcost budgets ---------------------------------------------------------------------------


@app.command("budgets")
def budgets_cmd(
    month: Annotated[
        str | None,
        typer.Option("--month", help="YYYY-MM (default: the month of --at, else of yesterday)."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Count through this UTC day, YYYY-MM-DD (default: the month's last day, or yesterday "
            "for the current month).",
        ),
    ] = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    top: Annotated[
        str | None,
        typer.Option(
            "--top",
            help="Show the first N tenants, most used first, or all (default: 20 on a terminal, all "
            "when piped or in JSON).",
        ),
    ] = None,
    cost: CostOption = None,
    db: DbOption = None,
    lake: LakeOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
    pager: PagerOption = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = "local[2]",
) -> None:
    """Budgets for a month: each tenant's spend against its plan's daily and monthly limits, and the
    org's monthly budget: month-to-date, pace, forecast month-end spend and the day it runs out.

    Plans, the tenant → plan mapping (inline or a CSV file) and the org budget come from [budgets].
    """
    from llmcost.alerts import budget_report, load_settings
    from llmcost.alerts.forecast import month_end, month_start
    from llmcost.queries.session import connection

    set_color(color)
    fmt = _format(fmt, "budgets")
    shown = top_rows(top, fmt=fmt, output=output)
    top_n = shown.rows
    db_path, cfg = resolve(db, config)
    settings = load_settings(cfg)
    mode = _cost_mode(cost, cfg)
    if at is not None:
        as_of = parse_day(at)
        if month is not None and month_start(as_of) != parse_month(month):
            raise UsageError(f"--at {as_of} is not in --month {month.strip()}")
    elif month is not None:
        first = parse_month(month)
        as_of = min(month_end(first), _today() - timedelta(days=1))
        if as_of < first:
            raise UsageError(
                f"--month {month.strip()} has no closed day yet; use --at today for the day so far"
            )
    else:
        as_of = _today() - timedelta(days=1)
    with connection(db_path, engine, spark_master, lake) as con:
        report = budget_report(con, settings, as_of, cost_mode=mode)

    if fmt == "json":
        doc = report.as_dict()
        if top_n:
            doc["tenants"] = doc["tenants"][:top_n]
        emit_json("budgets", doc, output)
    elif fmt == "md":
        from llmcost.report.alerts import budgets_markdown

        emit_text(budgets_markdown(report, top_n), output)
    else:
        from llmcost.report.alerts import print_budgets

        emit_tenant_table(report, shown, print_budgets, output)


# -- llmcost export prometheus (and the old export-prometheus) --------------------------------


def export_prometheus_cmd(
    file: Annotated[
        Path,
        typer.Argument(help="The .prom file to write (atomically), e.g. in node_exporter's textfile dir."),
    ],
    at: AtOption = None,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            min=1,
            metavar="N",
            help="Tenants, features and models kept as labels; the rest is (other).",
        ),
    ] = 10,
    cost: CostOption = None,
    db: DbOption = None,
    lake: LakeOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = "local[2]",
) -> None:
    """Write a Prometheus textfile-collector file: spend and tokens by tenant (top N + other), feature
    and model for the day and the month to date; alerts firing by rule; the org budget and forecast;
    the latest request and the last successful ingest. Exits 0 whether or not alerts fire."""
    from rich.text import Text

    from llmcost.alerts import load_settings
    from llmcost.alerts.metrics import snapshot
    from llmcost.queries.session import connection
    from llmcost.report.prometheus import write_textfile

    set_color(color)
    db_path, cfg = resolve(db, config)
    settings = load_settings(cfg)
    mode = _cost_mode(cost, cfg)
    day = parse_day(at)
    with connection(db_path, engine, spark_master, lake) as con:
        snap = snapshot(
            con, settings, day, cost_mode=mode, top={d: top for d in ("tenant", "feature", "model")}
        )
    samples = write_textfile(file, snap)
    err_console().print(
        Text(
            f"llmcost: wrote {file} ({samples} samples for {day}, {len(snap.evaluation.alerts)} alert(s) firing)"
        ),
        markup=False,
        highlight=False,
    )


export_app.command("prometheus", short_help="Write a Prometheus textfile: spend, alerts, budgets.")(
    export_prometheus_cmd
)
app.command("export-prometheus", hidden=True)(
    alias(export_prometheus_cmd, "export-prometheus", "export prometheus")
)
