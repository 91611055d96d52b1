"""`llmcost view NAME`: the named views (llmcost.queries.views), each a command whose options come
from a table (`VIEWS`); they parse, render and exit through llmcost.cli.report's plumbing.

Their own module, so `llmcost report` does not build the seven views' commands (issue 16).
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmcost.cli import app
from llmcost.cli.common import resolve, set_color
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
    TzOption,
    UntilOption,
    WhereOption,
    command,
    param,
    top_rows,
)
from llmcost.cli.report import TableFormatOption, _by, _emit, _format, _scope
from llmcost.errors import UsageError

if TYPE_CHECKING:
    import duckdb

    from llmcost.config import Config
    from llmcost.queries.dimensions import Dimension
    from llmcost.queries.model import Report
    from llmcost.queries.scope import Scope

view_app = typer.Typer(
    name="view",
    help="Named views for the questions a cost dashboard answers (spend by feature per day, top "
    "tenants, cost by model, input vs output, retrieval vs generation, failures, cache savings).",
    no_args_is_help=True,
)
app.add_typer(view_app, name="view")


# -- llmcost view NAME -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """What a view is asked: the open warehouse, the scope and the view's own options."""

    con: duckdb.DuckDBPyConnection
    scope: Scope
    by: tuple[Dimension, ...]
    top: int | None
    until: datetime
    cfg: Config


def _views() -> types.ModuleType:
    from llmcost.queries import views

    return views


def _cache(ask: Ask) -> Report:
    from llmcost.pricing import load_catalog

    return _views().cache(ask.con, ask.scope, load_catalog(ask.cfg), by=ask.by, top=ask.top)


@dataclass(frozen=True)
class View:
    """One `llmcost view NAME`: its query, its help, and the options it has beyond the shared ones."""

    name: str
    short: str  # its line in `llmcost view --help`
    help: str
    query: Callable[[Ask], Report]
    by: str | None = None  # the --by help; None: the view has no --by
    top: str = (
        "Show the first N rows and fold the rest into (other), or all (default: 20 on a terminal, "
        "all when piped)."
    )
    anchored: bool = False  # windows end at --until (no --since): top-tenants
    top_default: int | None = None  # --top when not given (None: every row)
    terminal_top: bool = True  # without --top, a terminal shows the first 20 rows


VIEWS: tuple[View, ...] = (
    View(
        "daily",
        "Spend by feature per day.",
        """Spend by feature per day ("is the copilot or the classifier driving growth?").""",
        lambda a: _views().daily(a.con, a.scope, top=a.top),
        top="Keep the N costliest features and fold the rest per day, or all (the default).",
        terminal_top=False,  # its rows are days x features; --top counts features
    ),
    View(
        "top-tenants",
        "Top tenants by cost, last 24 hours and 7 days.",
        """Top tenants by cost over the last 24 hours and 7 days ("who would we call?").""",
        lambda a: _views().top_tenants(a.con, a.scope, anchor=a.until, top=a.top or 10**9),
        top="Tenants in the top N of either window, or all (default 10).",
        anchored=True,
        top_default=10,
        terminal_top=False,
    ),
    View(
        "models",
        "Cost by provider and model.",
        """Cost by provider and model ("did the routing change shift traffic to the cheaper model?").""",
        lambda a: _views().models(a.con, a.scope, top=a.top),
    ),
    View(
        "io",
        "Input vs output tokens per request.",
        """Input vs output tokens: high input per request means bloated context assembly, high output
    per request rambling generations.""",
        lambda a: _views().io_share(a.con, a.scope, by=a.by, top=a.top),
        by="Group by (default: feature).",
    ),
    View(
        "retrieval",
        "Retrieval (embedding, rerank) vs generation.",
        """Retrieval (embedding, rerank) vs generation: RAG has a bill before the LLM runs. Warns when
    retrieval tokens exceed generation tokens (an embed surge).""",
        lambda a: _views().retrieval(a.con, a.scope, by=a.by, top=a.top),
        by="Split further, e.g. --by feature.",
    ),
    View(
        "failures",
        "Requests and cost by outcome: what failures cost.",
        "Requests and cost by outcome: what failed, timed-out and rate-limited requests cost.",
        lambda a: _views().failures(a.con, a.scope, by=a.by, top=a.top),
        by="Split further, e.g. --by feature.",
    ),
    View(
        "cache",
        "Response-cache hits and the savings they stand for.",
        """Response-cache hits and the savings they stand for: what each hit would have cost as a
    provider call, at the catalog price in force at its time.""",
        _cache,
        by="Group by (default: feature).",
    ),
)


def _view(
    view: View,
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
    top: str | None,
    by: list[str] | None = None,
    lake: str | None = None,
    engine: str = "duckdb",
    spark_master: str = "local[2]",
) -> None:
    from llmcost.queries.session import connection

    set_color(color)
    fmt = _format(fmt, f"view {view.name}")
    rows = top_rows(top, fmt=fmt, output=output, default=view.top_default, auto=view.terminal_top)
    db_path, cfg = resolve(db, config)
    dims = _by(by)
    if view.anchored:
        if since is not None:
            raise UsageError(
                f"view {view.name}: the windows are the 24 hours and 7 days before --until (no --since)"
            )
        scope = _scope(cfg, None, until, tz, where, cost)
    else:
        scope = _scope(cfg, since, until, tz, where, cost)
    anchor = scope.window.until or datetime.now(UTC)
    with connection(db_path, engine, spark_master, lake) as con:
        rep = view.query(Ask(con, scope, dims, rows.rows, anchor, cfg))
    _emit(rep, fmt, output, rows)


def _view_params(view: View) -> list[inspect.Parameter]:
    """The view's options, in --help order: its own (--by, --top), then the shared ones."""
    params = []
    if view.by is not None:
        params.append(param("by", Annotated[list[str] | None, typer.Option("--by", help=view.by)]))
    if view.anchored:
        until_help = "End of both windows (default: now): YYYY-MM-DD or RFC 3339."
        params += [
            param("until", Annotated[str | None, typer.Option("--until", help=until_help)]),
            param("since", Annotated[str | None, typer.Option("--since", hidden=True)]),
        ]
    else:
        params += [param("since", SinceOption), param("until", UntilOption)]
    return [
        *params,
        param("tz", TzOption, "UTC"),
        param("where", WhereOption),
        param("top", Annotated[str | None, typer.Option("--top", help=view.top)]),
        param("fmt", TableFormatOption, "table"),
        param("output", OutputOption),
        param("cost", CostOption),
        param("db", DbOption),
        param("lake", LakeOption),
        param("config", ConfigOption),
        param("color", ColorOption, "auto"),
        param("pager", PagerOption, None),
        param("engine", EngineOption, "duckdb"),
        param("spark_master", SparkMasterOption, "local[2]"),
    ]


for _v in VIEWS:
    view_app.command(_v.name, short_help=_v.short)(
        command(functools.partial(_view, _v), _v.name, _v.help, _view_params(_v))
    )
