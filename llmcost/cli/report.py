"""`llmcost report`, `llmcost view NAME`, `llmcost unit` and `llmcost export parquet`: parse the
options, run a query from llmcost.queries, render it with llmcost.report, exit.

Heavy modules (duckdb, the queries, rich tables) are imported inside the commands, so
`llmcost --help` stays fast.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmcost.cli import app
from llmcost.cli.common import (
    ColorOption,
    ConfigOption,
    DbOption,
    err_console,
    out_console,
    piped_console,
    resolve,
    set_color,
    write_stdout,
    write_stdout_json,
)
from llmcost.errors import UsageError

if TYPE_CHECKING:
    from llmcost.config import Config
    from llmcost.queries.dimensions import Dimension
    from llmcost.queries.model import Report
    from llmcost.queries.scope import Scope

_DIMS = "tenant, feature, model, provider, operation, stage, user, outcome, prompt_version, day, week, month"

ByOption = Annotated[
    list[str] | None,
    typer.Option("--by", help=f"Group by (comma list or repeated): {_DIMS}."),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since", help="Start, inclusive: YYYY-MM-DD (midnight in --tz), RFC 3339, or 24h / 7d ago."
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option("--until", help="End, exclusive: YYYY-MM-DD, RFC 3339, or 24h / 7d ago (default: no end)."),
]
TzOption = Annotated[
    str, typer.Option("--tz", help="Zone for day/week/month buckets and for dates without an offset.")
]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        help="Filter DIM=VALUE or DIM!=VALUE (repeatable; values of one dimension are alternatives). "
        "An empty VALUE means not logged.",
    ),
]
TopOption = Annotated[
    int | None, typer.Option("--top", help="Show the first N rows; fold the rest into (other).")
]
FormatOption = Annotated[
    str,
    typer.Option("--format", "-f", help="table, json, jsonl, csv or md (report: also html, the dashboard)."),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (atomically, mode 0600) instead of stdout."),
]
CostOption = Annotated[
    str | None,
    typer.Option(
        "--cost",
        help="derived (re-derived from prices), logged (as the application logged it) or auto "
        "(logged, else derived). Default: [pricing] cost_mode, else derived.",
    ),
]

view_app = typer.Typer(
    name="view",
    help="Named views for the questions a cost dashboard answers (spend by feature per day, top "
    "tenants, cost by model, input vs output, retrieval vs generation, failures, cache savings).",
    no_args_is_help=True,
)
app.add_typer(view_app, name="view")

export_app = typer.Typer(
    name="export", help="Export the warehouse's records for other tools.", no_args_is_help=True
)
app.add_typer(export_app, name="export")


# -- shared plumbing ---------------------------------------------------------------------------


def _format(fmt: str) -> str:
    from llmcost.report import FORMATS

    value = fmt.strip().lower()
    if value == "markdown":
        value = "md"
    if value not in FORMATS:
        raise UsageError(f"--format: choose from {', '.join(FORMATS)} (got {fmt[:20]!r})")
    return value


def _scope(
    cfg: Config,
    since: str | None,
    until: str | None,
    tz: str,
    where: list[str] | None,
    cost: str | None,
    *,
    filters_allowed: tuple[str, ...] | None = None,
) -> Scope:
    from llmcost.queries.dimensions import parse_where
    from llmcost.queries.scope import Scope
    from llmcost.window import Window

    window = Window.parse(since, until, tz)
    filters = parse_where(where, allowed=filters_allowed)
    return Scope(window, filters, cost or cfg.pricing.cost_mode)


def _by(values: list[str] | None, allowed: tuple[str, ...] | None = None) -> tuple[Dimension, ...]:
    from llmcost.queries.dimensions import parse_by

    return parse_by(values, allowed=allowed)


def _emit(report: Report, fmt: str, output: Path | None) -> None:
    """Render to stdout or, with -o, to a file written whole or not at all."""
    from rich.text import Text

    from llmcost.report import render_terminal, render_text, write_text_atomic
    from llmcost.report.facts import fact_lines
    from llmcost.report.jsonfmt import warnings

    if fmt == "table" and output is None:
        console = out_console()
        if not console.is_terminal and not os.environ.get("COLUMNS"):
            console = piped_console()
        render_terminal(report, console)
        return
    if fmt == "table":
        import io

        from rich.console import Console

        buf = io.StringIO()
        render_terminal(report, Console(file=buf, width=100, color_system=None, highlight=False, emoji=False))
        text = buf.getvalue()
    else:
        text = render_text(report, fmt)
    if fmt == "csv":
        # CSV carries data only; its data-quality facts (JSON and JSONL carry theirs) go to stderr.
        err = err_console()
        for line in [*fact_lines(report), *(f"warning: {w}" for w in warnings(report))]:
            err.print(Text(line), markup=False, highlight=False, soft_wrap=True)
    if output is not None:
        write_text_atomic(output, text)
        err_console().print(Text(f"llmcost: wrote {output}"), markup=False, highlight=False)
        return
    write_stdout(text)


# -- llmcost report ----------------------------------------------------------------------------


@app.command("report")
def report_cmd(
    by: ByOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "UTC",
    where: WhereOption = None,
    top: TopOption = None,
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort",
            help="cost, requests, tokens, input, output, successes, failures, cost_per_request or name "
            "(default: cost; name, i.e. time order, when grouping by day/week/month). Ties by name.",
        ),
    ] = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    cost: CostOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Spend by tenant, feature, model, ... over a window: requests, successes, failures, tokens by
    class, cost, share of the window's cost and cost per request.

    Failures are requests whose outcome is not success. Cost sums priced requests only: unpriced
    requests are counted (column and footer), never shown as $0; cost per request divides by the
    priced ones. Every report ends with its data-quality facts: unpriced requests, rejected lines
    in the window, timestamps without a zone, duplicate ids with different content, cost mode and
    price catalog. Default --by: tenant.
    """
    from llmcost.queries.session import prepare
    from llmcost.queries.spend import SpendQuery, spend
    from llmcost.warehouse import reader

    set_color(color)
    if fmt.strip().lower() == "html":
        _emit_html(db, config, since, until, tz, where, cost, output)
        return
    fmt = _format(fmt)
    db_path, cfg = resolve(db, config)
    dims = _by(by) if by else _by(["tenant"])
    scope = _scope(cfg, since, until, tz, where, cost)
    query = SpendQuery(dims, scope, top=top, sort=sort)
    query.sort_key()  # a bad --sort is a usage error before the warehouse is opened
    with reader(db_path) as wh:
        rep = spend(prepare(wh), query)
    _emit(rep, fmt, output)


def _emit_html(
    db: Path | None,
    config: Path | None,
    since: str | None,
    until: str | None,
    tz: str,
    where: list[str] | None,
    cost: str | None,
    output: Path | None,
) -> None:
    """The dashboard report (llmcost.report.html): one self-contained file; --by, --top and --sort
    do not apply (it draws its own views)."""
    from rich.text import Text

    from llmcost.alerts import load_settings
    from llmcost.pricing import load_catalog
    from llmcost.queries.session import prepare
    from llmcost.report import write_text_atomic
    from llmcost.report.dashboard import collect
    from llmcost.report.html import render_html
    from llmcost.warehouse import reader

    db_path, cfg = resolve(db, config)
    scope = _scope(cfg, since, until, tz, where, cost)
    settings, catalog = load_settings(cfg), load_catalog(cfg)
    with reader(db_path) as wh:
        text = render_html(collect(prepare(wh), scope, settings=settings, catalog=catalog))
    if output is None:
        write_stdout(text)
        return
    write_text_atomic(output, text)
    err_console().print(Text(f"llmcost: wrote {output}"), markup=False, highlight=False)


# -- llmcost view NAME -------------------------------------------------------------------------


def _view(
    name: str,
    *,
    db: Path | None,
    config: Path | None,
    color: str,
    fmt: str,
    output: Path | None,
    since: str | None,
    until: str | None,
    tz: str,
    where: list[str] | None,
    cost: str | None,
    top: int | None,
    by: list[str] | None = None,
) -> None:
    from llmcost.queries import views
    from llmcost.queries.session import prepare
    from llmcost.warehouse import reader

    set_color(color)
    fmt = _format(fmt)
    db_path, cfg = resolve(db, config)
    dims = _by(by)
    if name == "top-tenants":
        if since is not None:
            raise UsageError(
                "view top-tenants: the windows are the 24 hours and 7 days before --until (no --since)"
            )
        scope = _scope(cfg, None, until, tz, where, cost)
        anchor = scope.window.until or datetime.now(UTC)
    else:
        scope = _scope(cfg, since, until, tz, where, cost)
    if top is not None and top < 1:
        raise UsageError("--top must be at least 1")
    catalog = None
    if name == "cache":
        from llmcost.pricing import load_catalog

        catalog = load_catalog(cfg)
    with reader(db_path) as wh:
        con = prepare(wh)
        if name == "daily":
            rep = views.daily(con, scope, top=top)
        elif name == "top-tenants":
            rep = views.top_tenants(con, scope, anchor=anchor, top=top or 10)
        elif name == "models":
            rep = views.models(con, scope, top=top)
        elif name == "io":
            rep = views.io_share(con, scope, by=dims, top=top)
        elif name == "retrieval":
            rep = views.retrieval(con, scope, by=dims, top=top)
        elif name == "failures":
            rep = views.failures(con, scope, by=dims, top=top)
        else:
            assert catalog is not None
            rep = views.cache(con, scope, catalog, by=dims, top=top)
    _emit(rep, fmt, output)


@view_app.command("daily")
def daily_cmd(
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "UTC",
    where: WhereOption = None,
    top: Annotated[
        int | None, typer.Option("--top", help="Keep the N costliest features; fold the rest per day.")
    ] = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    cost: CostOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Spend by feature per day ("is the copilot or the classifier driving growth?")."""
    _view("daily", db=db, config=config, color=color, fmt=fmt, output=output, since=since, until=until, tz=tz,
          where=where, cost=cost, top=top)  # fmt: skip


@view_app.command("top-tenants")
def top_tenants_cmd(
    until: Annotated[
        str | None,
        typer.Option("--until", help="End of both windows (default: now): YYYY-MM-DD or RFC 3339."),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", hidden=True)] = None,
    tz: TzOption = "UTC",
    where: WhereOption = None,
    top: Annotated[
        int | None, typer.Option("--top", help="Tenants in the top N of either window (default 10).")
    ] = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    cost: CostOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Top tenants by cost over the last 24 hours and 7 days ("who would we call?")."""
    _view("top-tenants", db=db, config=config, color=color, fmt=fmt, output=output, since=since, until=until,
          tz=tz, where=where, cost=cost, top=top)  # fmt: skip


@view_app.command("models")
def models_cmd(
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "UTC",
    where: WhereOption = None,
    top: TopOption = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    cost: CostOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Cost by provider and model ("did the routing change shift traffic to the cheaper model?")."""
    _view("models", db=db, config=config, color=color, fmt=fmt, output=output, since=since, until=until, tz=tz,
          where=where, cost=cost, top=top)  # fmt: skip


@view_app.command("io")
def io_cmd(
    by: Annotated[list[str] | None, typer.Option("--by", help="Group by (default: feature).")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "UTC",
    where: WhereOption = None,
    top: TopOption = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    cost: CostOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Input vs output tokens: high input per request means bloated context assembly, high output
    per request rambling generations."""
    _view("io", db=db, config=config, color=color, fmt=fmt, output=output, since=since, until=until, tz=tz,
          where=where, cost=cost, top=top, by=by)  # fmt: skip


@view_app.command("retrieval")
def retrieval_cmd(
    by: Annotated[list[str] | None, typer.Option("--by", help="Split further, e.g. --by feature.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "UTC",
    where: WhereOption = None,
    top: TopOption = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    cost: CostOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Retrieval (embedding, rerank) vs generation: RAG has a bill before the LLM runs. Warns when
    retrieval tokens exceed generation tokens (an embed surge)."""
    _view("retrieval", db=db, config=config, color=color, fmt=fmt, output=output, since=since, until=until,
          tz=tz, where=where, cost=cost, top=top, by=by)  # fmt: skip


@view_app.command("failures")
def failures_cmd(
    by: Annotated[list[str] | None, typer.Option("--by", help="Split further, e.g. --by feature.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "UTC",
    where: WhereOption = None,
    top: TopOption = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    cost: CostOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Requests and cost by outcome: what failed, timed-out and rate-limited requests cost."""
    _view("failures", db=db, config=config, color=color, fmt=fmt, output=output, since=since, until=until,
          tz=tz, where=where, cost=cost, top=top, by=by)  # fmt: skip


@view_app.command("cache")
def cache_cmd(
    by: Annotated[list[str] | None, typer.Option("--by", help="Group by (default: feature).")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "UTC",
    where: WhereOption = None,
    top: TopOption = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    cost: CostOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Response-cache hits and the savings they stand for: what each hit would have cost as a
    provider call, at the catalog price in force at its time."""
    _view("cache", db=db, config=config, color=color, fmt=fmt, output=output, since=since, until=until, tz=tz,
          where=where, cost=cost, top=top, by=by)  # fmt: skip


# -- llmcost unit ------------------------------------------------------------------------------


@app.command("unit")
def unit_cmd(
    event: Annotated[
        str | None,
        typer.Option(
            "--event",
            help="The outcome event that counts as a success, e.g. draft_accepted "
            "(default: the only event in the warehouse).",
        ),
    ] = None,
    by: Annotated[
        list[str] | None, typer.Option("--by", help="Group by: tenant, feature, user, day, week, month.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "UTC",
    where: Annotated[
        list[str] | None, typer.Option("--where", help="Filter tenant=, feature= or user= (repeatable).")
    ] = None,
    top: TopOption = None,
    sort: Annotated[
        str | None, typer.Option("--sort", help="cost, requests, events, ratio, trace or name.")
    ] = None,
    attribution: Annotated[
        str,
        typer.Option(
            "--attribution",
            help="both (ratio and trace, the default) or ratio (skips joining events to their "
            "workflows' calls: much faster on a large warehouse; orphans are then not checked).",
        ),
    ] = "both",
    fmt: FormatOption = "table",
    output: OutputOption = None,
    cost: CostOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Cost and tokens per successful action, under two attributions shown side by side.

    ratio: ALL spend of the scope (retries, failures and every call included) / the success
    events of the scope. trace: the calls sharing a trace_id (or request_id) with a success event
    / the events so matched. Events matching no logged request are counted as orphans.

    Per tenant, ratio uses the tenant's OWN spend. (The source article's "$3.40 per draft" for a
    tenant with 2,200 requests and 180 drafts divides the whole week's $612 by that tenant's 180
    drafts; llmcost divides the tenant's own spend by its own drafts.)
    """
    from llmcost.queries.session import prepare
    from llmcost.queries.unit import UNIT_DIMENSIONS, UNIT_FILTERS, UnitQuery, event_names, unit
    from llmcost.warehouse import reader

    set_color(color)
    fmt = _format(fmt)
    db_path, cfg = resolve(db, config)
    dims = _by(by, allowed=UNIT_DIMENSIONS)
    scope = _scope(cfg, since, until, tz, where, cost, filters_allowed=UNIT_FILTERS)
    with reader(db_path) as wh:
        con = prepare(wh)
        if event is None:
            known = event_names(con)
            if len(known) != 1:
                names = ", ".join(f"{e} ({n:,})" for e, n in known[:8]) or "none yet"
                raise UsageError(f"--event: name the success event; the warehouse holds: {names}")
            event = known[0][0]
        query = UnitQuery(event, dims, scope, top=top, sort=sort, attribution=attribution)
        query.sort_key()
        rep = unit(con, query)
    _emit(rep, fmt, output)


# -- llmcost export parquet --------------------------------------------------------------------


@export_app.command("parquet")
def export_parquet_cmd(
    directory: Annotated[
        Path, typer.Argument(help="Output directory (created; existing days are replaced).")
    ],
    since: Annotated[
        str | None, typer.Option("--since", help="First UTC day, inclusive (widened to midnight UTC).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="End, exclusive (widened to the next midnight UTC).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")] = False,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Replace secrets (sk-..., AKIA..., bearer tokens) in every text column with [REDACTED] "
            "(default: values exactly as stored).",
        ),
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
) -> None:
    """Requests and outcomes as Parquet, Hive-partitioned by UTC day (DIR/requests/date=YYYY-MM-DD/),
    zstd, written atomically (files 0600, directories 0700); readable as they are by DuckDB, polars,
    Spark and Trino. Values are your data as stored, secrets included, unless --redact."""
    from llmcost.queries.export import export_parquet
    from llmcost.queries.session import prepare
    from llmcost.warehouse import reader
    from llmcost.window import Window

    set_color(color)
    db_path, _ = resolve(db, config)
    window = Window.parse(since, until, "UTC")
    with reader(db_path) as wh:
        result = export_parquet(prepare(wh), directory, window, redact=redact)
    if json_out:
        write_stdout_json({"schema_version": 1, **result.as_dict()})
        return
    from rich.text import Text

    err_console().print(
        Text(
            f"exported {result.rows('requests'):,} requests and {result.rows('outcomes'):,} outcome events "
            f"({len(result.days.get('requests', {}))} day(s)) to {result.directory}"
        ),
        markup=False,
        highlight=False,
    )
