"""`llmcost report`, `llmcost unit` and `llmcost export parquet`: parse the options, run a query
from llmcost.queries, render it with llmcost.report, exit. `llmcost view NAME` (llmcost.cli.views)
shares this module's plumbing.

Heavy modules (duckdb, the queries, rich tables) are imported inside the commands, so
`llmcost --help` stays fast.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from llmcost.cli import app
from llmcost.cli.common import (
    cost_mode,
    emit_json,
    err_console,
    out_console,
    piped_console,
    resolve,
    resolve_light,
    set_color,
    write_stdout,
)
from llmcost.cli.options import (
    ByOption,
    ColorOption,
    ConfigOption,
    CostOption,
    DbOption,
    EngineOption,
    JsonFlag,
    LakeOption,
    OutputOption,
    PagerOption,
    SinceOption,
    SparkMasterOption,
    Top,
    TopOption,
    TzOption,
    UntilOption,
    WhereOption,
    format_option,
    output_format,
    top_footer,
    top_rows,
)
from llmcost.errors import UsageError

if TYPE_CHECKING:
    from typer import _click as click  # typer vendors click

    from llmcost.config import Config
    from llmcost.queries.dimensions import Dimension
    from llmcost.queries.model import Report
    from llmcost.queries.scope import Scope

SortOption = Annotated[
    str | None,
    typer.Option(
        "--sort",
        help="cost, requests, tokens, input, output, successes, failures, cost_per_request or name "
        "(default: cost; name, i.e. time order, when grouping by day/week/month). Ties by name.",
    ),
]
ReportFormatOption = Annotated[
    str, format_option("table", "json", "jsonl", "csv", "md", "html", note=" (a dashboard)")
]
TableFormatOption = Annotated[str, format_option("table", "json", "jsonl", "csv", "md")]


class _ExportGroup(TyperGroup):
    """`llmcost export`: its subcommands live in three modules (parquet here, prometheus in
    llmcost.cli.alerts, focus, grafana and otlp in llmcost.cli.exports); whichever module was imported
    first, looking a subcommand up or listing them imports the rest."""

    def _load(self) -> None:
        if getattr(self, "_loaded", False):
            return
        self._loaded = True
        importlib.import_module("llmcost.cli.exports")
        from llmcost.cli.metavars import humanize

        built = typer.main.get_group(export_app)
        for name, cmd in built.commands.items():
            if name not in self.commands:
                humanize(cmd)
                self.commands[name] = cmd

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)


export_app = typer.Typer(
    name="export",
    cls=_ExportGroup,
    help="Export the warehouse's records for other tools.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")


# -- shared plumbing ---------------------------------------------------------------------------


def _format(fmt: str, command: str) -> str:
    from llmcost.report import FORMATS

    return output_format(fmt, command, FORMATS)


def _scope(
    cfg: Config | None,
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
    return Scope(window, filters, cost_mode(cfg, cost))


def _by(values: list[str] | None, allowed: tuple[str, ...] | None = None) -> tuple[Dimension, ...]:
    from llmcost.queries.dimensions import parse_by

    return parse_by(values, allowed=allowed)


def _emit(report: Report, fmt: str, output: Path | None, top: Top | None = None) -> None:
    """Render to stdout or, with -o, to a file written whole or not at all. A table the terminal
    default cut short (`top.auto`) says so under it."""
    from llmcost.queries.model import OTHER
    from llmcost.report import render_terminal, render_text, write_text_atomic

    if fmt == "table" and output is None:
        from rich.text import Text

        console = out_console()
        if not console.is_terminal and not os.environ.get("COLUMNS"):
            console = piped_console()
        folded = report.parameters.get("folded_rows") or 0
        cut = top is not None and top.auto and top.rows is not None and folded
        if cut:  # the footer below says it, with how to see every row
            report.notes = [n for n in report.notes if f"folded into {OTHER}" not in n]
        render_terminal(report, console)
        if cut and top is not None and top.rows is not None:
            console.print(Text(top_footer(top.rows, top.rows + folded)), markup=False, highlight=False)
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
        from rich.text import Text  # not at the top: a JSON report never loads rich

        from llmcost.report.facts import fact_lines
        from llmcost.report.jsonfmt import warnings

        # CSV carries data only; its data-quality facts (JSON and JSONL carry theirs) go to stderr.
        err = err_console()
        for line in [*(f"warning: {w}" for w in warnings(report)), *fact_lines(report)]:
            err.print(Text(line), markup=False, highlight=False, soft_wrap=True)
    if output is not None:
        from rich.text import Text

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
    sort: SortOption = None,
    fmt: ReportFormatOption = "table",
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
    """Spend by tenant, feature, model, ... over a window: requests, successes, failures, tokens by
    class, cost, share of the window's cost and cost per request.

    Failures are requests whose outcome is not success. Cost sums priced requests only: unpriced
    requests are counted (column and footer), never shown as $0; cost per request divides by the
    priced ones. Every report ends with its data-quality facts: unpriced requests, rejected lines
    in the window, timestamps without a zone, duplicate ids with different content, cost mode and
    price catalog. Default --by: tenant.
    """
    from llmcost.queries.session import connection
    from llmcost.queries.spend import SpendQuery, spend

    set_color(color)
    if fmt.strip().lower() == "html":
        _emit_html(db, config, since, until, tz, where, cost, output, lake, engine, spark_master)
        return
    fmt = _format(fmt, "report")
    db_path, cfg = resolve_light(db, config)
    dims = _by(by) if by else _by(["tenant"])
    scope = _scope(cfg, since, until, tz, where, cost)
    query = SpendQuery(dims, scope, sort=sort)
    # a bad --sort is a usage error before the warehouse is opened; a time series (sorted by
    # name) is shown whole, a ranking is cut to the terminal's top rows
    rows = top_rows(top, fmt=fmt, output=output, auto=query.sort_key() != "name")
    query = dataclasses.replace(query, top=rows.rows)
    with connection(db_path, engine, spark_master, lake) as con:
        rep = spend(con, query)
    _emit(rep, fmt, output, rows)


def _emit_html(
    db: Path | None,
    config: Path | None,
    since: str | None,
    until: str | None,
    tz: str,
    where: list[str] | None,
    cost: str | None,
    output: Path | None,
    lake: str | None = None,
    engine: str = "duckdb",
    spark_master: str = "local[2]",
) -> None:
    """The dashboard report (llmcost.report.html): one self-contained file; --by, --top and --sort
    do not apply (it draws its own views)."""
    from rich.text import Text

    from llmcost.alerts import load_settings
    from llmcost.pricing import load_catalog
    from llmcost.queries.session import connection
    from llmcost.report import write_text_atomic
    from llmcost.report.dashboard import collect
    from llmcost.report.html import render_html

    db_path, cfg = resolve(db, config)
    scope = _scope(cfg, since, until, tz, where, cost)
    settings, catalog = load_settings(cfg), load_catalog(cfg)
    with connection(db_path, engine, spark_master, lake) as con:
        text = render_html(collect(con, scope, settings=settings, catalog=catalog))
    if output is None:
        write_stdout(text)
        return
    write_text_atomic(output, text)
    err_console().print(Text(f"llmcost: wrote {output}"), markup=False, highlight=False)


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
    fmt: TableFormatOption = "table",
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
    """Cost and tokens per successful action, under two attributions shown side by side.

    ratio: ALL spend of the scope (retries, failures and every call included) / the success
    events of the scope. trace: the calls sharing a trace_id (or request_id) with a success event
    / the events so matched. Events matching no logged request are counted as orphans.

    Per tenant, ratio uses the tenant's OWN spend. (The source article's "$3.40 per draft" for a
    tenant with 2,200 requests and 180 drafts divides the whole week's $612 by that tenant's 180
    drafts; llmcost divides the tenant's own spend by its own drafts.)
    """
    from llmcost.queries.session import connection
    from llmcost.queries.unit import UNIT_DIMENSIONS, UNIT_FILTERS, UnitQuery, event_names, unit

    set_color(color)
    fmt = _format(fmt, "unit")
    db_path, cfg = resolve_light(db, config)
    dims = _by(by, allowed=UNIT_DIMENSIONS)
    scope = _scope(cfg, since, until, tz, where, cost, filters_allowed=UNIT_FILTERS)
    with connection(db_path, engine, spark_master, lake) as con:
        if event is None:
            known = event_names(con)
            if len(known) != 1:
                names = ", ".join(f"{e} ({n:,})" for e, n in known[:8]) or "none yet"
                raise UsageError(f"--event: name the success event; the warehouse holds: {names}")
            event = known[0][0]
        query = UnitQuery(event, dims, scope, sort=sort, attribution=attribution)
        rows = top_rows(top, fmt=fmt, output=output, auto=query.sort_key() != "name")
        rep = unit(con, dataclasses.replace(query, top=rows.rows))
    _emit(rep, fmt, output, rows)


# -- llmcost export parquet --------------------------------------------------------------------


@export_app.command("parquet", short_help="Requests and outcomes as Parquet, partitioned by day.")
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
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="How to print what was written: table (a line) or json.")
    ] = "table",
    output: OutputOption = None,
    json_out: JsonFlag = False,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Replace secrets (sk-..., AKIA..., bearer tokens) in every text column with [REDACTED] "
            "(default: values exactly as stored).",
        ),
    ] = False,
    db: DbOption = None,
    lake: LakeOption = None,
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
    fmt = output_format(
        fmt, "export parquet", ("table", "json"), json_flag=json_out, why="it writes Parquet files"
    )
    db_path, _ = resolve(db, config)
    window = Window.parse(since, until, "UTC")
    with reader(db_path, lake) as wh:
        result = export_parquet(prepare(wh), directory, window, redact=redact)
    if fmt == "json":
        emit_json("export.parquet", {"schema_version": 1, **result.as_dict()}, output)
        return
    if output is not None:
        raise UsageError("export parquet: --output takes the --format json summary (the data goes to DIR)")
    from rich.text import Text

    err_console().print(
        Text(
            f"exported {result.rows('requests'):,} requests and {result.rows('outcomes'):,} outcome events "
            f"({len(result.days.get('requests', {}))} day(s)) to {result.directory}"
        ),
        markup=False,
        highlight=False,
    )
