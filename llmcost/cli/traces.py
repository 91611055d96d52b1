"""`llmcost traces` (cost per trace and per session: the distribution per feature, the costliest) and
`llmcost trace ID` (one trace's calls in order, with the outcome events linked to it).

Exit codes: 0 the report was written; 2 usage or config error, or an id no call carries (the
message names it and the closest ids); 75 the warehouse is busy.
"""

from __future__ import annotations

from typing import Annotated

import typer

from llmcost.cli import app
from llmcost.cli.common import cost_mode, emit_json, emit_table, emit_text, resolve_light, set_color
from llmcost.cli.options import (
    ColorOption,
    ConfigOption,
    CostOption,
    DbOption,
    EngineOption,
    LakeOption,
    OutputOption,
    PagerOption,
    SinceOption,
    SparkMasterOption,
    TopOption,
    TzOption,
    UntilOption,
    WhereOption,
    format_option,
    output_format,
    top_rows,
)
from llmcost.errors import UsageError

_FORMATS = ("table", "json", "csv", "md")
DEFAULT_TOP = 20  # traces listed unless --top says otherwise, whatever the format


@app.command("traces")
def traces_cmd(
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "UTC",
    where: WhereOption = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="feature (traces, per feature) or session (sessions: the traces of one conversation).",
        ),
    ] = "feature",
    top: TopOption = None,
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
    """Cost per trace (or per session): for each feature how many traces, their total cost and the
    distribution (p50, p90, p99, max) of cost, calls, tokens and duration per trace; then the
    costliest traces with tenant, feature, session, calls, tokens, exact cost, first call, span,
    failed calls and models.

    A trace is the calls sharing a trace id; a session those sharing a session id (sessionId,
    session_id, session.id, gen_ai.conversation.id, or [ingest.aliases] session_id). Calls without
    one are counted in a note. `llmcost trace ID` shows one trace call by call.
    """
    from llmcost.cli.report import _scope
    from llmcost.queries.session import connection
    from llmcost.queries.traces import parse_by, traces_report

    set_color(color)
    fmt = output_format(fmt, "traces", _FORMATS)
    unit = parse_by(by)
    shown = top_rows(top, fmt=fmt, output=output, default=DEFAULT_TOP, auto=False)
    db_path, cfg = resolve_light(db, config)
    scope = _scope(cfg, since, until, tz, where, cost)
    with connection(db_path, engine, spark_master, lake) as con:
        report = traces_report(con, scope, unit=unit, top=shown.rows)
    if fmt == "json":
        emit_json("traces", report.as_dict(), output)
    elif fmt == "csv":
        from llmcost.report.traces import render_csv

        emit_text(render_csv(report), output)
    elif fmt == "md":
        from llmcost.report.traces import markdown

        emit_text(markdown(report), output)
    else:
        from llmcost.report.traces import print_traces

        emit_table(lambda console: print_traces(report, console), output)


@app.command("trace")
def trace_cmd(
    trace_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="The trace id (as `llmcost traces` lists it).")
    ] = None,
    session: Annotated[
        str | None,
        typer.Option("--session", metavar="ID", help="Show a session (every trace of it) instead."),
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
    """One trace's timeline: every call in the order it ran with its time, model, input, cached and
    output tokens, cost, cumulative cost, latency and outcome; then the outcome events linked to it
    (by its trace id or one of its calls' request ids). With --session ID, a whole session.
    """
    from llmcost.queries.scope import COST_MODES
    from llmcost.queries.session import connection
    from llmcost.queries.traces import timeline

    set_color(color)
    fmt = output_format(fmt, "trace", _FORMATS)
    if (trace_id is None) == (session is None):
        raise UsageError("give a trace ID or --session ID (one of them); `llmcost traces` lists them")
    unit, unit_id = ("session", session) if session is not None else ("trace", trace_id)
    assert unit_id is not None
    db_path, cfg = resolve_light(db, config)
    mode = cost_mode(cfg, cost)
    if mode not in COST_MODES:
        raise UsageError(f"--cost: unknown cost mode {mode[:20]!r}; choose from {', '.join(COST_MODES)}")
    with connection(db_path, engine, spark_master, lake) as con:
        tl = timeline(con, unit_id, unit=unit, cost_mode=mode)
    if fmt == "json":
        emit_json("trace", tl.as_dict(), output)
    elif fmt == "csv":
        from llmcost.report.traces import timeline_csv

        emit_text(timeline_csv(tl), output)
    elif fmt == "md":
        from llmcost.report.traces import timeline_markdown

        emit_text(timeline_markdown(tl), output)
    else:
        from llmcost.report.traces import print_timeline

        emit_table(lambda console: print_timeline(tl, console), output)
