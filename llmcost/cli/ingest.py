"""`llmcost ingest PATH...`: load logs and outcome events into the warehouse."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmcost.cli import app
from llmcost.cli.common import emit_json, err_console, resolve, set_color
from llmcost.cli.options import (
    ColorOption,
    ConfigOption,
    DbOption,
    EngineOption,
    JsonFlag,
    OutputOption,
    SparkMasterOption,
    format_option,
    output_format,
)
from llmcost.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from llmcost.config import Config
    from llmcost.ingest.discover import Input, Skipped


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories (recursive), globs, s3://bucket/prefix/ (or a glob), or - for stdin."
        ),
    ],
    db: DbOption = None,
    config: ConfigOption = None,
    complete_partial: Annotated[
        bool,
        typer.Option(
            "--complete-partial", help="Take a last line without a newline as complete (file is finished)."
        ),
    ] = False,
    fmt: Annotated[str, format_option("table", "json")] = "table",
    output: OutputOption = None,
    json_out: JsonFlag = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary table.")] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Load nothing: show, for the first lines of each file, what each was taken for "
            "and which field filled each column.",
        ),
    ] = False,
    lines: Annotated[
        int, typer.Option("--lines", min=1, max=1000, help="With --explain: how many lines.")
    ] = 10,
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="Read every file as this source instead of detecting it: "
            "auto|app|otlp|litellm|langfuse|helicone|bedrock|openai|anthropic|gemini|cloudwatch|datadog|"
            "openai-batch|anthropic-batch|openrouter|kong|cloudflare|otel-console.",
        ),
    ] = "auto",
    color: ColorOption = "auto",
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = "local[2]",
) -> None:
    """Load llm.request lines and outcome events, exactly once.

    Every line ends in one bucket: loaded, duplicate, ignored (not an LLM call or outcome) or
    rejected (kept in the warehouse with file, line and reason: see `llmcost status --rejects`).
    With --engine spark, Spark stages, de-duplicates and writes the new rows of local JSON-lines
    files while llmcost keeps the ledger (a prototype: docs/scale.md).
    """
    from llmcost.warehouse import writer

    set_color(color)
    fmt = output_format(fmt, "ingest", ("table", "json"), json_flag=json_out, why="a nested document")
    if fmt == "table" and output is not None:
        raise UsageError("ingest: --output takes the --format json summary (the table goes to stderr)")
    from llmcost.ingest.formats import SOURCES

    if source not in SOURCES:
        raise UsageError(f"--source: unknown source {source!r}; choose from {', '.join(SOURCES)}")
    _check_engine(engine, explain=explain, source=source)
    db_path, cfg = resolve(db, config)
    err = err_console()
    inputs, skipped = _checked_inputs(paths, cfg, source, err, quiet=quiet)
    if explain:
        _explain(inputs, cfg, lines, source)
        return
    # The writer lock first, then the heavy imports and the price catalog (~0.5 s): a second writer
    # is told who holds the warehouse within the promised second.
    with writer(db_path, command="llmcost ingest") as wh:
        from llmcost.ingest.load import Loader
        from llmcost.pricing.hook import BatchPricer, pricer_for
        from llmcost.report.ingest import render_summary, summary_json

        pricer = pricer_for(cfg)
        if engine == "spark":
            loader: Loader = _spark_loader(wh, cfg, complete_partial, pricer, spark_master)
        else:
            loader = Loader(wh, cfg, take_partial=complete_partial, pricer=pricer, source=source)
        total_bytes = sum(_size(p) for p in inputs)
        argv = " ".join(sys.argv[1:])[:1000]
        if err.is_terminal and not quiet and total_bytes > (8 << 20):
            from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                DownloadColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task("ingesting", total=total_bytes)
                result = loader.run(inputs, skipped, argv=argv, progress=lambda n: bar.advance(task, n))
        else:
            result = loader.run(inputs, skipped, argv=argv)
    unpriced = pricer.unpriced_models() if isinstance(pricer, BatchPricer) else {}
    if fmt == "json":
        doc = summary_json(result, db_path)
        doc["unpriced_models"] = unpriced
        doc["price_catalog"] = pricer.catalog.info.describe() if isinstance(pricer, BatchPricer) else None
        emit_json("ingest", doc, output)
    elif not quiet:
        render_summary(err, result, db_path)
        if unpriced:
            from rich.text import Text

            listed = ", ".join(f"{m} ({n:,})" for m, n in sorted(unpriced.items(), key=lambda kv: -kv[1])[:5])
            err.print(
                Text(f"unpriced requests (cost unknown, not $0): {listed}; see `llmcost pricing check`"),
                soft_wrap=False,  # wraps within the terminal's width
            )
    if result.totals.read == 0 and any(f.error for f in result.files):
        raise typer.Exit(ExitCode.DATA)


def _check_engine(engine: str, *, explain: bool, source: str) -> None:
    from llmcost.warehouse.engine import ENGINES

    if engine not in ENGINES:
        raise UsageError(f"--engine: unknown engine {engine[:30]!r}; choose from {', '.join(ENGINES)}")
    if engine == "spark" and explain:
        raise UsageError("--explain runs on DuckDB: drop --engine spark")
    if engine == "spark" and source != "auto":
        raise UsageError("--engine spark reads flat JSON lines (--source auto): drop --source or --engine")


def _spark_loader(wh: Any, cfg: Config, complete_partial: bool, pricer: Any, master: str) -> Any:
    from llmcost.ingest.spark import SparkLoader
    from llmcost.warehouse.engine import spark_session

    if master.startswith("sc://"):
        raise UsageError(
            "ingest --engine spark ships Python tasks, which Spark Connect cannot: use local[N] or spark://"
        )
    return SparkLoader(wh, cfg, take_partial=complete_partial, pricer=pricer, spark=spark_session(master))


def _checked_inputs(
    paths: list[str], cfg: Config, source: str, err: Console, *, quiet: bool
) -> tuple[list[Input], list[Skipped]]:
    """The inputs to read, or a UsageError before any warehouse is opened or run recorded: an
    argument with nothing to read (missing, an empty directory, a pattern matching nothing) or a
    named input that is not a log (a binary, UTF-16 text, a billing CSV) refuses the whole command,
    good inputs beside it included, so the user fixes the command rather than a half-done run."""
    from llmcost.ingest.discover import discover, refused
    from llmcost.ingest.sniff import screen

    inputs, skipped = discover(paths, cfg.storage)
    aliases = [a for names in cfg.ingest.aliases.values() for a in names]
    screened = screen(inputs, source=source, billing=_billing_format, aliases=aliases, storage=cfg.storage)
    passed_over = [s for s in skipped if not s.refused] + screened.passed_over
    for s in passed_over:
        err.print(f"llmcost: skipped {s.display}: {s.reason}", markup=False, highlight=False)
    problems = refused(skipped) + screened.refused
    if problems:
        order = {p: i for i, p in enumerate(paths)}
        problems.sort(key=lambda s: order.get(s.display, len(paths)))
        raise UsageError(_refusal(problems, len(screened.inputs)))
    if not screened.inputs:
        raise UsageError(
            f"ingest: nothing to read in {' '.join(paths)}: every file was passed over (listed above)"
        )
    if not quiet:
        for note in screened.notes:
            err.print(f"llmcost: {note}", markup=False, highlight=False)
    return screened.inputs, passed_over


def _size(inp: Input) -> int:
    if inp.path is not None:
        return inp.path.stat().st_size
    return inp.obj.size if inp.obj is not None else 0


def _refusal(problems: list[Skipped], readable: int) -> str:
    from llmcost.numbers import count

    if len(problems) == 1 and not readable:
        (p,) = problems
        return f"ingest: {p.display}: {p.reason}; nothing was read or recorded"
    others = f"; the {count(readable)} other file(s) were not read either" if readable else ""
    listed = "\n".join(f"  {p.display}: {p.reason}" for p in problems)
    return (
        f"ingest: {count(len(problems))} input(s) cannot be ingested, so nothing was read or recorded"
        f"{others}; fix or drop them and rerun:\n{listed}"
    )


def _billing_format(head: bytes) -> str | None:
    """The invoice format a CSV's first bytes are, if `llmcost invoices import` reads it."""
    from llmcost.reconcile.formats import formats

    return next((f.description for f in formats() if f.sniff(head)), None)


def _explain(inputs: list[Any], cfg: Any, lines: int, source: str) -> None:
    from llmcost.cli.common import out_console
    from llmcost.ingest.explain import explain
    from llmcost.report.ingest import print_explained

    for inp in inputs:
        if inp.path is None:
            raise UsageError("--explain reads local files, not standard input or object storage")
        found, explained = explain(inp.path, cfg, lines=lines, source=source)
        print_explained(out_console(), inp.display, found, explained)
