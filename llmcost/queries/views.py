"""Named views: one per question the source article asks of a cost dashboard.

| view          | question                                                            |
|---------------|---------------------------------------------------------------------|
| daily         | spend by feature per day: "is the copilot or the classifier growing?" |
| top-tenants   | top tenants by cost over 24h and 7d: "who would we call?"            |
| models        | cost by model: "did the routing change shift traffic?"               |
| io            | input vs output tokens: bloated context vs rambling output           |
| retrieval     | retrieval (embedding, rerank) vs generation: "RAG has a bill first"  |
| failures      | failed / timeout / rate-limited requests and what they cost           |
| cache         | response-cache hits and what they would have cost                    |

Cost per successful action (the article's third dashboard) is `llmcost.queries.unit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.numbers import percent, usd_or
from llmcost.queries import coverage, exact, quality
from llmcost.queries.dimensions import DIMENSIONS, Dimension, bucket_list, select_list
from llmcost.queries.model import OTHER, Column, DataQuality, Kind, Report, money
from llmcost.queries.scope import Scope
from llmcost.queries.spend import (
    METRIC_COLUMNS,
    SpendQuery,
    add_ratios,
    aggregate,
    combine,
    dimension_columns,
    empty_window_warning,
    order,
    shown_value,
    spend,
)
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles
from llmcost.window import Window

if TYPE_CHECKING:
    import duckdb

    from llmcost.pricing import Catalog

VIEWS = ("daily", "top-tenants", "models", "io", "retrieval", "failures", "cache")

SQL = SqlFiles("llmcost.queries")


def _metric(name: str) -> Column:
    for c in METRIC_COLUMNS:
        if c.name == name:
            return c
    raise KeyError(name)


def _finish_rows(
    con: duckdb.DuckDBPyConnection, scope: Scope, rows: list[dict[str, Any]], shown: list[dict[str, Any]]
) -> tuple[dict[str, Any], DataQuality]:
    totals = combine(rows, {})
    for row in [*shown, totals]:
        add_ratios(row, totals["cost_usd"])
    dq = quality.collect(
        con,
        scope,
        quality.ScanCounts(
            requests=totals["requests"],
            unpriced_requests=totals["unpriced_requests"],
            unpriced_tokens=totals["unpriced_tokens"],
            naive_timestamps=totals["naive_timestamps"],
        ),
    )
    for row in [*shown, totals]:
        row.pop("naive_timestamps", None)
    return totals, dq


def _warnings(con: duckdb.DuckDBPyConnection, scope: Scope, empty: bool, flag: str = "--since") -> list[str]:
    """A filter that matches nothing first; then, unless that explains it, an empty window (with the
    option, `flag`, that reaches the data)."""
    cov = coverage.check(con, scope)
    if empty and not cov.excludes_all:
        return [*cov.warnings, empty_window_warning(con, scope, flag)]
    return list(cov.warnings)


def _report(
    con: duckdb.DuckDBPyConnection,
    name: str,
    title: str,
    by: Sequence[Dimension],
    columns: Sequence[Column],
    scope: Scope,
    shown: list[dict[str, Any]],
    totals: dict[str, Any] | None,
    dq: DataQuality,
    warnings: list[str],
    notes: list[str],
    parameters: dict[str, Any] | None = None,
) -> Report:
    return Report(
        name=name,
        title=title,
        columns=(*dimension_columns(by), *columns),
        rows=shown,
        totals=totals,
        window=scope.window,
        cost_mode=scope.cost_mode,
        group_by=tuple(d.name for d in by),
        quality=dq,
        price_catalog=quality.price_catalog(dq),
        warnings=warnings,
        notes=notes,
        parameters=parameters or {},
        filters=scope.filters,
        date_range=coverage.date_range(con, scope),
    )


# -- spend by feature per day ------------------------------------------------------------------


def daily(con: duckdb.DuckDBPyConnection, scope: Scope, *, top: int | None = None) -> Report:
    """Spend by day and feature; with `top`, the other features fold into one "(other)" per day."""
    day, feature = DIMENSIONS["day"], DIMENSIONS["feature"]
    by = (day, feature)
    rows = aggregate(con, by, scope)
    keep: set[Any] | None = None
    if top is not None:
        cost_of: dict[Any, Decimal] = {}
        for r in rows:
            cost_of[r["feature"]] = cost_of.get(r["feature"], Decimal(0)) + (r["cost_usd"] or Decimal(0))
        ranked = sorted(cost_of, key=lambda f: (f is None, f or ""))
        ranked.sort(key=lambda f: cost_of[f], reverse=True)
        keep = set(ranked[:top])
    shown: list[dict[str, Any]] = []
    for d in sorted({r["day"] for r in rows}):
        of_day = [r for r in rows if r["day"] == d]
        kept = [r for r in of_day if keep is None or r["feature"] in keep]
        rest = [r for r in of_day if keep is not None and r["feature"] not in keep]
        shown += order(kept, (feature,), "cost")
        if rest:
            other = combine(rest, {"day": d, "feature": OTHER})
            other["other"] = True
            shown.append(other)
    totals, dq = _finish_rows(con, scope, rows, shown)
    warnings = _warnings(con, scope, not rows)
    return _report(
        con, "daily", "Spend by feature per day", by, METRIC_COLUMNS, scope, shown, totals, dq, warnings, [],
        {"top": top},
    )  # fmt: skip


# -- top tenants over 24h and 7d -------------------------------------------------------------


TOP_TENANT_COLUMNS = (
    Column("cost_24h", Kind.MONEY, "cost\n24h", priority=2),
    Column("share_24h", Kind.SHARE, "share\n24h"),
    Column("requests_24h", Kind.COUNT, "requests\n24h"),
    Column("cost_7d", Kind.MONEY, "cost\n7d", priority=2),
    Column("share_7d", Kind.SHARE, "share\n7d"),
    Column("requests_7d", Kind.COUNT, "requests\n7d"),
    Column("unpriced_7d", Kind.COUNT, "unpriced\n7d", when_nonzero=True),
)
_TOP_COUNTS = (
    "requests_24h",
    "unpriced_24h",
    "requests_7d",
    "unpriced_7d",
    "unpriced_tokens",
    "naive_timestamps",
)


def _combine_tenants(rows: Sequence[dict[str, Any]], labels: dict[str, Any]) -> dict[str, Any]:
    out = dict(labels)
    for key in _TOP_COUNTS:
        out[key] = sum(r[key] for r in rows)
    for key, unpriced in (("cost_24h", "unpriced_24h"), ("cost_7d", "unpriced_7d")):
        total: Decimal | None = None
        for r in rows:
            total = exact.add(total, r[key])
        out[key] = Decimal(0) if total is None and not out[unpriced] else total
    return out


def top_tenants(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    anchor: datetime,
    top: int = 10,
) -> Report:
    """The top tenants by cost over [anchor - 24h, anchor) and [anchor - 7d, anchor).

    A tenant in the top `top` of either window is shown, ordered by its 24-hour cost, then its
    7-day cost; the rest fold into "(other)". `scope.window` is replaced by the 7-day window.
    """
    window = Window(anchor - timedelta(days=7), anchor, scope.window.tz)
    scope = Scope(window, scope.filters, scope.cost_mode)
    tenant = DIMENSIONS["tenant"]
    sql = SQL.render("top_tenants", scope=scope.where("r"), cost=scope.cost("r"))
    params = {**scope.params(), "day_start": anchor - timedelta(hours=24)}
    cur = con.execute(sql, sqlrun.bind(sql, params))
    names = [d[0] for d in cur.description or []]
    rows = []
    for values in cur.fetchall():
        raw = dict(zip(names, values, strict=True))
        row: dict[str, Any] = {"tenant": raw.pop("d0")}
        for key in _TOP_COUNTS:
            row[key] = int(raw[key] or 0)
        row["cost_24h"], row["cost_7d"] = money(raw["cost_24h"]), money(raw["cost_7d"])
        if row["cost_24h"] is None and not row["unpriced_24h"]:
            row["cost_24h"] = Decimal(0)  # no requests in the last 24h: nothing was spent
        rows.append(row)
    by_name = sorted(rows, key=lambda r: (r["tenant"] is None, r["tenant"] or ""))
    by_7d = sorted(by_name, key=lambda r: r["cost_7d"] or Decimal(0), reverse=True)
    by_24h = sorted(by_7d, key=lambda r: r["cost_24h"] or Decimal(0), reverse=True)
    chosen = {id(r) for r in by_24h[:top]} | {id(r) for r in by_7d[:top]}
    shown = [r for r in by_24h if id(r) in chosen]
    rest = [r for r in by_24h if id(r) not in chosen]
    totals = _combine_tenants(rows, {})
    if rest:
        other = _combine_tenants(rest, {"tenant": OTHER})
        other["other"] = True
        shown.append(other)
    for row in [*shown, totals]:
        row["share_24h"] = exact.share(row["cost_24h"], totals["cost_24h"])
        row["share_7d"] = exact.share(row["cost_7d"], totals["cost_7d"])
    dq = quality.collect(
        con,
        scope,
        quality.ScanCounts(
            requests=totals["requests_7d"],
            unpriced_requests=totals["unpriced_7d"],
            unpriced_tokens=totals["unpriced_tokens"],
            naive_timestamps=totals["naive_timestamps"],
        ),
    )
    warnings = _warnings(con, scope, not rows, "--until")
    notes = [f"{len(rest):,} smaller tenant(s) folded into {OTHER}"] if rest else []
    return _report(
        con, "top-tenants", "Top tenants by cost, last 24 hours and 7 days", (tenant,), TOP_TENANT_COLUMNS, scope,
        shown, totals, dq, warnings, notes, {"top": top, "anchor": window.shown(anchor)},
    )  # fmt: skip


# -- cost by model -----------------------------------------------------------------------------


def models(con: duckdb.DuckDBPyConnection, scope: Scope, *, top: int | None = None) -> Report:
    by = (DIMENSIONS["provider"], DIMENSIONS["model"])
    return spend(con, SpendQuery(by, scope, top=top), name="models", title="Cost by model")


# -- input vs output ---------------------------------------------------------------------------

IO_COLUMNS = (
    _metric("requests"),
    _metric("input_tokens"),
    _metric("cached_input_tokens"),
    _metric("output_tokens"),
    _metric("reasoning_tokens"),
    Column("input_share", Kind.SHARE, "input\nshare", priority=2),
    Column("input_per_request", Kind.NUMBER, "input per\nrequest"),
    Column("output_per_request", Kind.NUMBER, "output per\nrequest"),
    _metric("cost_usd"),
    _metric("unpriced_requests"),
    _metric("share"),
)


def _io_ratios(row: dict[str, Any]) -> None:
    tokens = row["input_tokens"] + row["output_tokens"]
    row["input_share"] = exact.share(row["input_tokens"], tokens)
    row["input_per_request"] = exact.average(row["input_tokens"], row["requests"])
    row["output_per_request"] = exact.average(row["output_tokens"], row["requests"])


def io_share(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, by: Sequence[Dimension] = (), top: int | None = None
) -> Report:
    """Input vs output tokens by feature (or `by`): high input per request points at context
    assembly (full histories, unstripped HTML), high output at rambling generations."""
    dims = tuple(by) or (DIMENSIONS["feature"],)
    rep = spend(
        con, SpendQuery(dims, scope, top=top, sort="tokens"), name="io", title="Input vs output tokens"
    )
    for row in [*rep.rows, *([rep.totals] if rep.totals else [])]:
        _io_ratios(row)
    rep.columns = (*dimension_columns(dims), *IO_COLUMNS)
    return rep


# -- retrieval vs generation -------------------------------------------------------------------

STAGE_COLUMNS = (
    _metric("requests"),
    _metric("input_tokens"),
    _metric("output_tokens"),
    Column("token_share", Kind.SHARE, "token\nshare"),
    _metric("cost_usd"),
    _metric("unpriced_requests"),
    _metric("share"),
    _metric("cost_per_request"),
)


def retrieval(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, by: Sequence[Dimension] = (), top: int | None = None
) -> Report:
    """Retrieval (embedding, rerank) vs generation calls, optionally split further by `by`."""
    stage = DIMENSIONS["stage"]
    dims = (stage, *(d for d in by if d != stage))
    rep = spend(
        con, SpendQuery(dims, scope, top=top, sort="name"), name="retrieval", title="Retrieval vs generation"
    )
    all_tokens = (rep.totals or {}).get("input_tokens", 0) + (rep.totals or {}).get("output_tokens", 0)
    for row in [*rep.rows, *([rep.totals] if rep.totals else [])]:
        row["token_share"] = exact.share(row["input_tokens"] + row["output_tokens"], all_tokens)
    rep.columns = (*dimension_columns(dims), *STAGE_COLUMNS)
    tokens = {"retrieval": 0, "generation": 0}
    for row in rep.rows:
        if row.get("stage") in tokens:
            tokens[row["stage"]] += row["input_tokens"] + row["output_tokens"]
    if tokens["retrieval"] > tokens["generation"]:
        rep.warnings.append(
            f"retrieval tokens ({tokens['retrieval']:,}) exceed generation tokens ({tokens['generation']:,}): "
            "an embed surge (a chunking or re-index job run amok?)"
        )
    rep.notes.append("retrieval = operations embedding and rerank; generation = everything else")
    return rep


# -- failures ----------------------------------------------------------------------------------

FAILURE_COLUMNS = (
    _metric("requests"),
    _metric("input_tokens"),
    _metric("output_tokens"),
    _metric("cost_usd"),
    _metric("unpriced_requests"),
    _metric("share"),
    _metric("cost_per_request"),
)


FAILED_OUTCOMES = ("error", "timeout", "rate_limited", "cancelled")


def failures(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, by: Sequence[Dimension] = (), top: int | None = None
) -> Report:
    """Spend by outcome (then `by`): what failed, timed-out and rate-limited requests cost."""
    outcome = DIMENSIONS["outcome"]
    dims = (outcome, *(d for d in by if d != outcome))
    rep = spend(con, SpendQuery(dims, scope, top=top), name="failures", title="Requests and cost by outcome")
    rep.columns = (*dimension_columns(dims), *FAILURE_COLUMNS)
    failed = [r for r in rep.rows if not r.get("other") and r["outcome"] in FAILED_OUTCOMES]
    if rep.totals and rep.totals["requests"]:
        n = sum(r["requests"] for r in failed)
        cost: Decimal | None = None
        for r in failed:
            cost = exact.add(cost, r["cost_usd"])
        share = exact.share(cost, rep.totals["cost_usd"])
        pct = "n/a" if share is None else percent(share)
        req_pct = exact.share(n, rep.totals["requests"]) or Decimal(0)
        rep.notes.append(
            f"{n:,} of {rep.totals['requests']:,} requests did not succeed ({percent(req_pct)}); "
            f"they cost {usd_or(cost, 'n/a')} ({pct} of the spend): "
            "providers bill many partial generations"
        )
    return rep


# -- response cache ----------------------------------------------------------------------------

CACHE_COLUMNS = (
    _metric("requests"),
    Column("cache_hits", Kind.COUNT, "cache\nhits"),
    Column("hit_rate", Kind.SHARE, "hit\nrate"),
    Column("cost_usd", Kind.MONEY, "paid", priority=2),
    Column("would_have_cost_usd", Kind.MONEY, "hits would\nhave cost", priority=2),
    Column("saved_share", Kind.SHARE, "saved"),
    Column("unpriced_hits", Kind.COUNT, "unpriced\nhits", when_nonzero=True, priority=0),
    _metric("unpriced_requests"),
)


def cache(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    catalog: Catalog,
    *,
    by: Sequence[Dimension] = (),
    top: int | None = None,
) -> Report:
    """Response-cache hits by feature (or `by`), and what they would have cost as provider calls
    at the catalog's price in force at each hit's time: the savings the cache stands for."""
    from llmcost.pricing.derive import price_join  # not at the top: see scope.cost_expr

    dims = tuple(by) or (DIMENSIONS["feature"],)
    rep = spend(con, SpendQuery(dims, scope, top=top), name="cache", title="Response-cache hits and savings")
    params = scope.params()
    keys = [(p, m, t) for p, m, t in SQL.run(con, "cache_keys", params, scope=scope.where("r"))]
    pricing, cell_params = price_join(catalog, keys)
    savings_sql = SQL.render(
        "cache_savings",
        dimensions=select_list(dims, "r", scope.slot),
        scope=scope.where("r"),
        buckets=bucket_list(dims, "h", scope.slot),
        **pricing,
    )
    savings = sqlrun.run(con, savings_sql, {**params, **cell_params})
    saved: dict[tuple[Any, ...], tuple[Decimal | None, int]] = {}
    for values in savings:
        key = tuple(shown_value(d, values[i]) for i, d in enumerate(dims))
        saved[key] = (money(values[len(dims) + 1]), int(values[len(dims) + 2]))
    shown_keys = {tuple(r[d.name] for d in dims) for r in rep.rows if not r.get("other")}
    for row in rep.rows:
        if row.get("other"):
            parts = [v for k, v in saved.items() if k not in shown_keys]
        else:
            parts = [saved[k] for k in [tuple(row[d.name] for d in dims)] if k in saved]
        _cache_ratios(row, parts)
    if rep.totals is not None:
        _cache_ratios(rep.totals, list(saved.values()))
    rep.columns = (*dimension_columns(dims), *CACHE_COLUMNS)
    rep.notes.append(
        "hits would have cost: each hit priced as a provider call (catalog price at its time, "
        "same tokens); paid: the cost of the requests under the cost mode"
    )
    return rep


def _cache_ratios(row: dict[str, Any], parts: list[tuple[Decimal | None, int]]) -> None:
    would: Decimal | None = None
    for cost, _ in parts:
        would = exact.add(would, cost)
    unpriced = sum(n for _, n in parts)
    row["would_have_cost_usd"] = Decimal(0) if would is None and not unpriced else would
    row["unpriced_hits"] = unpriced
    row["hit_rate"] = exact.share(row["cache_hits"], row["requests"])
    paid = row["cost_usd"] or Decimal(0)
    whole = paid + (row["would_have_cost_usd"] or Decimal(0))
    row["saved_share"] = exact.share(row["would_have_cost_usd"], whole)
