"""`llmcost compare`: two sides of the warehouse in one table, with how sure the change is."""

from __future__ import annotations

from typing import Annotated

import typer

from llmcost.cli import app
from llmcost.cli.common import emit_json, emit_table, emit_text, resolve, set_color
from llmcost.cli.options import (
    DIMENSIONS_HELP,
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
    TzOption,
    UntilOption,
    WhereOption,
    format_option,
    output_format,
)
from llmcost.errors import UsageError

FORMATS = ("table", "json", "csv", "md", "html")


@app.command("compare")
def compare_cmd(
    by: Annotated[
        str | None,
        typer.Option("--by", help=f"The dimension the two sides differ in: {DIMENSIONS_HELP} (not a time)."),
    ] = None,
    values: Annotated[
        str | None, typer.Option("--values", help="The two values of --by, A,B (e.g. v3,v4); B against A.")
    ] = None,
    before: Annotated[
        str | None,
        typer.Option(
            "--before",
            help="Compare before and after this instant (a deploy): YYYY-MM-DD or RFC 3339. The side "
            "before starts at --since, the side after ends at --after-until; either alone makes the "
            "other as long; neither: a week each.",
        ),
    ] = None,
    after_until: Annotated[
        str | None, typer.Option("--after-until", help="End of the side after --before (default: --until).")
    ] = None,
    event: Annotated[
        str | None,
        typer.Option(
            "--event",
            help="The outcome event that counts as a success, e.g. draft_accepted (default: the only "
            "event in the warehouse; none: no per-success figures).",
        ),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    tz: TzOption = "UTC",
    where: WhereOption = None,
    replicates: Annotated[
        int, typer.Option("--replicates", help="Bootstrap resamples of traces for the 95% intervals.")
    ] = 2000,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the resampling (same seed, same output).")
    ] = 19,
    fmt: Annotated[str, format_option(*FORMATS)] = "table",
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
    """Two sides in one table: --by prompt_version --values v3,v4 (any dimension, attr.KEY too),
    or --before DATE (before and after a deploy).

    Per side: requests, traces, cost, cost per call and per trace, input and output tokens per
    call, error rate, success events, cost and tokens per success. Then the change (absolute and
    relative) with a 95% interval from a seeded bootstrap over traces, and a verdict: higher,
    lower or no clear change. Each side's mix of tenants and features is shown under the table:
    hold the rest equal with --where (e.g. --where feature=copilot) when the mixes differ.
    """
    from llmcost.queries import compare as q
    from llmcost.queries.dimensions import parse_where
    from llmcost.queries.scope import Scope
    from llmcost.queries.session import connection
    from llmcost.queries.unit import event_names
    from llmcost.report import compare as render
    from llmcost.window import Window, parse_instant

    set_color(color)
    fmt = output_format(fmt, "compare", FORMATS)
    if (by is None) == (before is None):
        raise UsageError("compare: give --by DIM --values A,B, or --before DATE (one of the two)")
    dim = vals = split = end = None
    if by is not None:
        dim = q.parse_dimension(by)
        vals = q.parse_values(values)
        if after_until is not None:
            raise UsageError("--after-until goes with --before, not with --by")
    else:
        if values is not None:
            raise UsageError("--values goes with --by, not with --before")
        window = Window.parse(since, until, tz)
        from datetime import UTC, datetime

        now = datetime.now(UTC).replace(microsecond=0)
        assert before is not None
        split = parse_instant(before, option="--before", tz=tz, now=now)
        end = parse_instant(after_until, option="--after-until", tz=tz, now=now) if after_until else None
        q.before_after(split, window.since, end or window.until)
    db_path, cfg = resolve(db, config)
    scope = Scope(Window.parse(since, until, tz), parse_where(where), cost or cfg.pricing.cost_mode)
    with connection(db_path, engine, spark_master, lake) as con:
        if event is None:
            known = event_names(con)
            if len(known) > 1:
                names = ", ".join(f"{e} ({n:,})" for e, n in known[:8])
                raise UsageError(f"--event: name the success event; the warehouse holds: {names}")
            event = known[0][0] if known else None
        query = q.CompareQuery(
            scope, event, by=dim, values=vals, before=split, after_until=end, replicates=replicates, seed=seed
        )
        result = q.compare(con, query)
    if fmt == "json":
        doc = render.document(result)
        doc.pop("schema")
        emit_json(render.KIND, doc, output)
    elif fmt == "csv":
        emit_text(render.render_csv(result), output)
    elif fmt == "md":
        emit_text(render.render_markdown(result), output)
    elif fmt == "html":
        emit_text(render.render_html(result), output)
    else:
        emit_table(lambda console: render.render_terminal(result, console), output)
