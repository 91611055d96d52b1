"""The data-quality facts every report ends with: unpriced requests (count, tokens, models),
rejected lines and conflicting duplicates in the window, naive timestamps, cost mode, catalogs.

Counts that come from the report's own scan (requests, unpriced, naive timestamps) are passed
in; the rest are small queries over the quarantine tables, run only when those are non-empty.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llmcost.queries.model import DataQuality, UnpricedModel
from llmcost.queries.scope import Scope
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.queries")

# Within `shared()`, the facts of a scope already asked for are answered again without a scan.
_MEMO: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("quality_memo", default=None)


@contextlib.contextmanager
def shared() -> Iterator[None]:
    """Many reports over one connection and the same scope (the HTML dashboard draws ten): the
    price catalogs and unpriced models of a scope are read once, not once per report. Only for
    the span of one read of the warehouse (a reader's connection sees one snapshot)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    memo = _MEMO.get()
    if memo is None:
        return sqlrun.run(con, sql, params)
    key = (id(con), sql, tuple(sorted((k, repr(v)) for k, v in params.items())))
    if key not in memo:
        memo[key] = sqlrun.run(con, sql, params)
    return list(memo[key])


@dataclass(frozen=True)
class ScanCounts:
    """What the report's own aggregation already counted."""

    requests: int = 0
    unpriced_requests: int = 0
    unpriced_tokens: int = 0
    naive_timestamps: int = 0


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(SQL.render("count_rows", table=table)).fetchone()
    return int(row[0]) if row else 0


def rejected(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[int, int]:
    """(rejected lines dated inside the window, rejected lines whose time cannot be read)."""
    if _count(con, "rejects") == 0:
        return 0, 0
    sql = SQL.render("quality_rejects", window=scope.window.predicate("d"))
    row = sqlrun.run(con, sql, scope.params())[0]
    return int(row[0]), int(row[1])


def conflicting(con: duckdb.DuckDBPyConnection, scope: Scope) -> int:
    if _count(con, "conflicts") == 0:
        return 0
    sql = SQL.render(
        "quality_conflicts",
        requests_window=scope.window.predicate("r"),
        outcomes_window=scope.window.predicate("o"),
    )
    return int(sqlrun.run(con, sql, scope.params())[0][0])


def catalogs(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[str, ...]:
    """The catalogs behind the derived costs in scope; none when costs are as logged."""
    if scope.cost_mode == "logged" or _count(con, "prices") == 0:
        return ()  # no price was ever taken from a catalog (the join below is empty): no scan
    derived_used = "r.logged_cost_usd IS NULL" if scope.cost_mode == "auto" else "TRUE"
    sql = SQL.render("price_catalogs", scope=scope.where("r"), derived_used=derived_used)
    return tuple(str(r[0]) for r in _rows(con, sql, scope.params()))


def unpriced_models(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[UnpricedModel, ...]:
    from llmcost.queries import rollup

    summed = rollup.active(con, scope, ())
    if summed is not None:
        sql, params = SQL.render("rollup_unpriced", table=rollup.TABLE, scope=summed[0]), summed[1]
    else:
        sql, params = (
            SQL.render("unpriced_models", scope=scope.where("r"), cost=scope.cost("r")),
            scope.params(),
        )
    return tuple(
        UnpricedModel(provider, model, int(n), int(tokens or 0))
        for provider, model, n, tokens in _rows(con, sql, params)
    )


def collect(con: duckdb.DuckDBPyConnection, scope: Scope, counts: ScanCounts) -> DataQuality:
    in_window, undated = rejected(con, scope)
    return DataQuality(
        cost_mode=scope.cost_mode,
        catalogs=catalogs(con, scope),
        requests=counts.requests,
        unpriced_requests=counts.unpriced_requests,
        unpriced_tokens=counts.unpriced_tokens,
        unpriced_models=unpriced_models(con, scope) if counts.unpriced_requests else (),
        naive_timestamps=counts.naive_timestamps,
        rejected_in_window=in_window,
        rejected_undated=undated,
        conflicting_duplicates=conflicting(con, scope),
    )


def price_catalog(quality: DataQuality) -> dict[str, object]:
    """The `price_catalog` member of a JSON report."""
    if quality.cost_mode == "logged":
        return {"source": "logged", "catalogs": []}
    source = "derived" if quality.cost_mode == "derived" else "logged, else derived"
    return {"source": source, "catalogs": list(quality.catalogs)}


def warnings(quality: DataQuality) -> list[str]:
    """The facts a reader must not miss, as sentences (also in `warnings` of the JSON)."""
    out = []
    if quality.unpriced_requests:
        models = ", ".join(m.model for m in quality.unpriced_models[:3])
        more = "" if len(quality.unpriced_models) <= 3 else ", ..."
        out.append(
            f"{quality.unpriced_requests:,} request(s) unpriced ({quality.unpriced_tokens:,} tokens"
            + (f"; {models}{more}" if models else "")
            + "): costs shown leave them out"
        )
    if quality.rejected_in_window:
        out.append(f"{quality.rejected_in_window:,} rejected line(s) in the window are not counted")
    if quality.rejected_undated:
        out.append(f"{quality.rejected_undated:,} rejected line(s) have no readable time (may belong here)")
    if quality.conflicting_duplicates:
        out.append(
            f"{quality.conflicting_duplicates:,} duplicate id(s) with different content: the first loaded is counted"
        )
    if quality.naive_timestamps:
        out.append(f"{quality.naive_timestamps:,} timestamp(s) had no zone and were read in the ingest zone")
    if quality.orphan_events:
        out.append(f"{quality.orphan_events:,} outcome event(s) match no logged request")
    return out
