"""`llmcost export focus|grafana|otlp`: the ecosystem's formats. FOCUS CSV for finance tools, a
Grafana dashboard over the Prometheus textfile's metrics, OTLP/HTTP metrics for any collector.

`export parquet` lives in llmcost.cli.report and `export prometheus` in llmcost.cli.alerts;
importing this module registers all five (COMMANDS["export"] points here).

Exit codes: 0 written or sent; 2 usage or config error; 73 the file cannot be written; 74 the
collector did not accept the metrics after every retry; 75 the warehouse is busy.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmcost.cli import alerts as _alerts  # registers `export prometheus`
from llmcost.cli.common import err_console, resolve, set_color
from llmcost.cli.options import ColorOption, ConfigOption, CostOption, DbOption, LakeOption
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
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            help="Also split rows by, and tag them with: user, outcome, operation, stage, prompt_version "
            "or attr.KEY (repeatable or comma list).",
        ),
    ] = None,
    billing_account: Annotated[
        list[str] | None,
        typer.Option(
            "--billing-account",
            help="PROVIDER=ID: the provider's account that receives the invoice (BillingAccountId), "
            "e.g. openai=org-abc; *=ID for every provider (repeatable). Else the provider's name.",
        ),
    ] = None,
    cost: CostOption = None,
    db: DbOption = None,
    lake: LakeOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """FOCUS 1.2 cost and usage rows (the FinOps Foundation's billing format) as CSV: one per UTC
    day, provider, model, tenant and feature; tenant and feature in Tags. Costs are llmcost's
    estimates as exact decimal strings; unpriced usage has empty costs and a note, never $0."""
    from llmcost.queries.focus import parse_tags, usage_rows
    from llmcost.queries.session import prepare
    from llmcost.report.focus import write
    from llmcost.warehouse import reader

    set_color(color)
    window = _month_window(month, since, until)
    tags = parse_tags(tag)
    accounts = _billing_accounts(billing_account or [])
    db_path, cfg = resolve(db, config)
    mode = _alerts._cost_mode(cost, cfg)
    with reader(db_path, lake) as wh:
        window, rows = usage_rows(prepare(wh), window, mode, tags)
    write(file, rows, mode, accounts)
    from llmcost.numbers import count, usd

    unpriced = sum(1 for r in rows if not r.priced)
    total = sum((r.cost_usd for r in rows if r.cost_usd is not None), Decimal(0))
    extra = f", {count(unpriced)} unpriced (cost left empty)" if unpriced else ""
    _say(f"wrote {file} ({count(len(rows))} FOCUS rows, {usd(total)}{extra}; {window.describe_days()})")
    unmapped = sorted({r.provider or "unknown" for r in rows} - set(accounts)) if "*" not in accounts else []
    if unmapped:
        _say(
            f"BillingAccountId is the provider's name for {', '.join(unmapped)}: "
            "map each to its account with --billing-account PROVIDER=ID"
        )


def _billing_accounts(pairs: list[str]) -> dict[str, str]:
    """`--billing-account PROVIDER=ID` (repeatable, or comma lists) as a mapping."""
    accounts: dict[str, str] = {}
    for item in (p.strip() for pair in pairs for p in pair.split(",")):
        provider, sep, ident = item.partition("=")
        if not sep or not provider.strip() or not ident.strip():
            raise UsageError(f"--billing-account {item!r}: expected PROVIDER=ID, e.g. openai=org-abc")
        accounts[provider.strip()] = ident.strip()
    return accounts


# -- llmcost export grafana --------------------------------------------------------------------


@export_app.command("grafana", short_help="A Grafana dashboard over the Prometheus metrics.")
def export_grafana_cmd(
    file: Annotated[Path, typer.Argument(help="The dashboard .json to write (import it in Grafana).")],
    color: ColorOption = "auto",
) -> None:
    """A Grafana dashboard (JSON model, data source as the DS_PROMETHEUS variable) over the metrics
    `llmcost export prometheus` writes: spend by tenant, feature and model, daily spend, error rate,
    budget utilisation, cost per success, alerts firing and ingest freshness. Import it with
    Dashboards → New → Import and pick your Prometheus."""
    from llmcost.report.grafana import PANELS, render
    from llmcost.report.output import write_text_atomic

    set_color(color)
    write_text_atomic(file, render())
    _say(f"wrote {file} (a Grafana dashboard, {len(PANELS)} panels; import it and pick your Prometheus)")


# -- llmcost export otlp -----------------------------------------------------------------------


def _headers(values: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        for item in value.split(","):
            key, sep, val = item.partition("=")
            if not sep or not key.strip():
                raise UsageError(f"--headers: expected KEY=VALUE (got {item[:40]!r})")
            out[key.strip()] = val.strip()
    return out


def _days(at: str | None, since: str | None, until: str | None) -> tuple[date, date]:
    """The UTC days to push, [first, last]: --at DAY, or --since DAY (inclusive) and --until DAY
    (exclusive, default: today, i.e. through yesterday)."""
    from datetime import timedelta

    if at is not None and (since is not None or until is not None):
        raise UsageError("--at and --since/--until are alternatives: give one")
    if since is None and until is None:
        day = _alerts.parse_day(at)
        return day, day
    if since is None:
        raise UsageError("--until needs --since (the first day to push)")
    first = _alerts.parse_day(since, "--since")
    end = _alerts.parse_day(until, "--until") if until is not None else _alerts._today()
    if end <= first:
        raise UsageError("--until must be after --since (days, half-open: [since, until))")
    return first, end - timedelta(days=1)


@export_app.command("otlp", short_help="Push spend, tokens, requests, errors as OTLP metrics.")
def export_otlp_cmd(
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            envvar="OTEL_EXPORTER_OTLP_ENDPOINT",
            show_envvar=True,
            help="The collector's base URL, e.g. http://localhost:4318 (metrics go to URL/v1/metrics).",
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="The UTC day to push: YYYY-MM-DD, today or yesterday (default: yesterday)."
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="First UTC day to push, inclusive (a backfill).")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="End day, exclusive (default: today).")] = None,
    headers: Annotated[
        list[str] | None,
        typer.Option("--headers", help="HTTP header KEY=VALUE for the collector (repeatable or comma list)."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=0.1,
            max=3600,
            metavar="SECONDS",
            help="Give up after this long, retries included (at most an hour).",
        ),
    ] = 10.0,
    gzip: Annotated[bool, typer.Option("--gzip", help="Compress the request body with gzip.")] = False,
    cost: CostOption = None,
    db: DbOption = None,
    lake: LakeOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Push month-to-date cumulative sums per UTC day (cost, tokens, requests, errors, unpriced
    requests by tenant, feature, model, provider and operation; the org budget's utilisation) as
    OTLP/HTTP protobuf metrics with gen_ai attribute names. Re-running for the same days sends the
    same points. Exit 74 when the collector refuses them after its retries."""
    from datetime import UTC, datetime
    from importlib.metadata import version

    from llmcost.alerts import load_settings
    from llmcost.queries.cumulative import month_to_date
    from llmcost.queries.session import prepare
    from llmcost.report.otlp import count_points, metrics_data, metrics_url, push, shown_url
    from llmcost.warehouse import reader

    set_color(color)
    if not endpoint or not endpoint.strip():
        raise UsageError("export otlp: give --endpoint URL (or set OTEL_EXPORTER_OTLP_ENDPOINT)")
    url = metrics_url(endpoint)
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--endpoint: expected an http:// or https:// URL (got {endpoint[:40]!r})")
    extra = _headers(headers)
    first, last = _days(at, since, until)
    db_path, cfg = resolve(db, config)
    settings = load_settings(cfg)
    mode = _alerts._cost_mode(cost, cfg)
    with reader(db_path, lake) as wh:
        days = month_to_date(prepare(wh), first, last, mode)
    budget = settings.budgets.org_monthly_usd
    data = metrics_data(
        days,
        budget=None if budget is None else Decimal(str(budget)),
        now=datetime.now(UTC),
        version=version("llmcost"),
    )
    accepted = push(data, url, headers=extra, timeout_s=timeout, gzip=gzip)
    span = str(first) if first == last else f"{first} to {last}"
    from llmcost.numbers import count

    _say(
        f"sent {count(count_points(data))} points for {span} to {shown_url(url)} in {count(accepted)} request(s)"
    )
