"""The options every command shares, declared once: where the warehouse and config are, the
window and filters of a query, and how and where the result is written.

A command takes what it needs of these as `Annotated` parameters; `--format` is parsed by
`output_format`, which says plainly (exit 2) when a format does not fit the command's output.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from llmcost.errors import UsageError

DIMENSIONS_HELP = (
    "tenant, feature, model, provider, operation, stage, user, outcome, prompt_version, day, week, "
    "month, or attr.KEY (a logged field kept in attrs, e.g. attr.team_id)"
)

# -- where: warehouse, config, colour ------------------------------------------------------------

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Warehouse file (default: LLMCOST_DB, llmcost.toml, LLMCOST_HOME, user data dir)."
    ),
]
LakeOption = Annotated[
    str | None,
    typer.Option(
        "--lake",
        metavar="URL",
        help="Read a lake from `llmcost lake publish` (a folder or s3://...) instead of the warehouse.",
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Config file (default: LLMCOST_CONFIG, ./llmcost.toml, [tool.llmcost])."),
]
ColorOption = Annotated[
    str,
    typer.Option("--color", help="auto, always or never (NO_COLOR and FORCE_COLOR are honoured)."),
]

# -- what: window, filters, grouping, cost mode --------------------------------------------------

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
ByOption = Annotated[
    list[str] | None,
    typer.Option("--by", help=f"Group by (comma list or repeated): {DIMENSIONS_HELP}."),
]
TOP_ON_A_TERMINAL = 20  # rows a table shows on a terminal unless --top says otherwise

TopOption = Annotated[
    str | None,
    typer.Option(
        "--top",
        help="Show the first N rows and fold the rest into (other), or all "
        f"(default: {TOP_ON_A_TERMINAL} on a terminal, all when piped).",
    ),
]
LimitOption = Annotated[str | None, typer.Option("--limit", hidden=True)]  # the old --top
CostOption = Annotated[
    str | None,
    typer.Option(
        "--cost",
        help="derived (re-derived from prices), logged (as the application logged it) or auto "
        "(logged, else derived). Default: [pricing] cost_mode, else derived.",
    ),
]


def parse_top(value: str | None, option: str = "--top") -> int | None:
    """`--top N|all`: N rows (N >= 1), None for every row; anything else is a usage error."""
    if value is None:
        return None
    text = value.strip().lower()
    if text == "all":
        return None
    try:
        n = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise UsageError(f"{option}: give a number of rows or all (got {value[:20]!r})") from None
    if n < 1:
        raise UsageError(f"{option}: give at least 1 row, or all (got {value[:20]!r})")
    if n > 10**9:  # DuckDB's LIMIT takes a BIGINT: say so rather than fail the query
        raise UsageError(f"{option}: at most 1,000,000,000 rows, or all (got {value[:20]!r})")
    return n


@dataclass(frozen=True)
class Top:
    """How many rows a list shows: `rows` (None: every row); `auto` when the terminal default
    chose it, so the table says how to see the rest."""

    rows: int | None
    auto: bool = False


def top_rows(
    value: str | None,
    *,
    fmt: str = "table",
    output: Path | None = None,
    default: int | None = None,
    auto: bool = True,
    option: str = "--top",
) -> Top:
    """`--top` resolved: as given; else, for a table on a terminal (not paged, not -o), the first
    TOP_ON_A_TERMINAL rows; else `default` (every row unless the command has its own)."""
    if value is not None:
        return Top(parse_top(value, option))
    if auto and default is None and fmt == "table" and output is None and on_a_terminal():
        return Top(TOP_ON_A_TERMINAL, auto=True)
    return Top(default)


def on_a_terminal() -> bool:
    """stdout is a terminal a person reads (not a pipe, a file, or a pager we started)."""
    import sys

    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def top_footer(shown: int, total: int) -> str:
    """The line under a table the terminal default cut short."""
    return f"showing the top {shown:,} of {total:,}; --top all for every row"


# -- how and where to: format and output ---------------------------------------------------------

FORMATS = ("table", "json", "csv", "md")


def format_option(*formats: str, note: str = "") -> Any:
    """`--format`/`-f` whose help names exactly the formats the command accepts, for
    `Annotated[str, format_option("table", "json")]`."""
    names = ", ".join(formats[:-1]) + f" or {formats[-1]}" if len(formats) > 1 else formats[0]
    return typer.Option("--format", "-f", help=f"{names}{note}.")


FormatOption = Annotated[str, format_option(*FORMATS)]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (atomically, mode 0600) instead of stdout."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Same as --format json.")]


def _page(ctx: typer.Context, value: bool | None) -> None:
    """--pager pages; without it, a set LLMCOST_PAGER does (on a terminal); --no-pager never."""
    import os

    if value or (value is None and os.environ.get("LLMCOST_PAGER", "").strip()):
        from llmcost.cli import paging

        if paging.start():
            ctx.call_on_close(paging.stop)


PagerOption = Annotated[
    bool | None,
    typer.Option(
        "--pager/--no-pager",
        callback=_page,
        expose_value=False,
        show_default=False,
        help="Page the output on a terminal through LLMCOST_PAGER, else PAGER, else less -R "
        "(default: only when LLMCOST_PAGER is set).",
    ),
]


def output_format(
    fmt: str,
    command: str,
    allowed: Sequence[str],
    *,
    json_flag: bool = False,
    why: str = "",
) -> str:
    """The --format value, lower-cased (`markdown` is `md`); `--json` is `--format json`.

    A format the command cannot produce is a usage error that names the ones it can, e.g.
    `status: --format csv is not available (a nested document); use table or json`."""
    value = fmt.strip().lower()
    value = "md" if value == "markdown" else value
    if json_flag:
        if value not in ("table", "json"):
            raise UsageError(f"{command}: --json and --format {value} disagree; use one of them")
        value = "json"
    known = (*FORMATS, *(f for f in allowed if f not in FORMATS))
    if value not in known:
        raise UsageError(f"--format: choose from {', '.join(allowed)} (got {fmt[:20]!r})")
    if value not in allowed:
        reason = f" ({why})" if why else ""
        raise UsageError(f"{command}: --format {value} is not available{reason}; use {' or '.join(allowed)}")
    return value


# -- commands built from a table -----------------------------------------------------------------


def param(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    """One keyword parameter of a generated command (its `Annotated` carries the typer.Option)."""
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


def command(
    body: Callable[..., None], name: str, doc: str, params: Sequence[inspect.Parameter]
) -> Callable[..., None]:
    """A function typer can register, with `params` as its options, calling `body(**options)`.

    Typer reads a command's options from its signature; building the signature from a table
    lets one `body` serve several commands (the views) without a copy of eleven options each."""

    def run(**options: Any) -> None:
        options.pop("pager", None)  # PagerOption acts while parsing; typer passes its default
        body(**options)

    run.__name__ = run.__qualname__ = name.replace("-", "_") + "_cmd"
    run.__doc__ = doc
    run.__signature__ = inspect.Signature(list(params))  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    return run


EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        metavar="duckdb|spark",
        help="Run the queries on DuckDB (default) or on Spark (pip install 'llmcost[spark]'): the same "
        "SQL files, transpiled; the same answers.",
    ),
]
SparkMasterOption = Annotated[
    str,
    typer.Option(
        "--spark-master",
        metavar="URL",
        help="With --engine spark: local[N], spark://HOST:PORT, or a Spark Connect sc://HOST:PORT.",
    ),
]
