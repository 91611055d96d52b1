"""Spend by any allowlisted dimensions: requests, successes, failures, tokens by class, cost,
share of the window's cost and cost per request, with `--top N` folding the rest into "(other)".

Definitions (also in `llmcost report --help`):
- failures: requests whose outcome is not `success` (timeout, rate_limited, error, cancelled, unknown).
- cost: the sum over priced requests; unpriced requests are counted in `unpriced_requests`, and a
  row whose requests are all unpriced has no cost (None: shown as "unpriced", never $0).
- share: the row's cost / the window's cost (priced requests only).
- cost_per_request: cost / priced requests.
- Ordering is total: the sort key, then the dimension values ascending (not logged last), so the
  same warehouse always gives the same rows in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.errors import UsageError
from llmcost.queries import coverage, exact, quality
from llmcost.queries.dimensions import Dimension, bucket_list, select_list
from llmcost.queries.model import OTHER, Column, DataQuality, Kind, Report, money
from llmcost.queries.scope import Scope
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

COUNTS = (
    "requests",
    "successes",
    "failures",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cache_hits",
    "unpriced_requests",
    "unpriced_tokens",
)

METRIC_COLUMNS = (
    Column("requests", Kind.COUNT, "requests"),
    Column("successes", Kind.COUNT, "ok", priority=0),
    Column("failures", Kind.COUNT, "failed"),
    Column("input_tokens", Kind.TOKENS, "input"),
    Column("cached_input_tokens", Kind.TOKENS, "cached", when_nonzero=True, priority=0),
    Column("cache_write_tokens", Kind.TOKENS, "cache\nwrite", when_nonzero=True, priority=0),
    Column("output_tokens", Kind.TOKENS, "output"),
    Column("reasoning_tokens", Kind.TOKENS, "reasoning", when_nonzero=True, priority=0),
    Column("cache_hits", Kind.COUNT, "cache hits", detail=True),
    Column("cost_usd", Kind.MONEY, "cost", priority=2),
    Column("unpriced_requests", Kind.COUNT, "unpriced", when_nonzero=True),
    Column("unpriced_tokens", Kind.TOKENS, "unpriced tokens", detail=True),
    Column("share", Kind.SHARE, "share"),
    Column("cost_per_request", Kind.UNIT_MONEY, "cost per\nrequest"),
)

# --sort keys: name -> (row value, descending?)
SORT_KEYS: dict[str, tuple[Callable[[dict[str, Any]], Any], bool]] = {
    "cost": (lambda r: r["cost_usd"], True),
    "requests": (lambda r: r["requests"], True),
    "tokens": (lambda r: r["input_tokens"] + r["output_tokens"], True),
    "input": (lambda r: r["input_tokens"], True),
    "output": (lambda r: r["output_tokens"], True),
    "successes": (lambda r: r["successes"], True),
    "failures": (lambda r: r["failures"], True),
    "cost_per_request": (lambda r: r["cost_per_request"], True),
    "name": (lambda r: None, False),
}

SQL = SqlFiles("llmcost.queries")


@dataclass(frozen=True)
class SpendQuery:
    by: tuple[Dimension, ...]
    scope: Scope
    top: int | None = None
    sort: str | None = None  # a SORT_KEYS name; default: time order with a time dimension, else cost

    def sort_key(self) -> str:
        if self.sort is None:
            return "name" if any(d.is_time for d in self.by) else "cost"
        if self.sort not in SORT_KEYS:
            raise UsageError(f"--sort: unknown key {self.sort[:30]!r}; choose from {', '.join(SORT_KEYS)}")
        return self.sort


def shown_value(dim: Dimension, value: Any) -> str | None:
    """A dimension value as reports show it: buckets as ISO dates (a month as YYYY-MM)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.strftime("%Y-%m") if dim.bucket == "month" else value.isoformat()
    return str(value)


def dimension_columns(by: Sequence[Dimension]) -> tuple[Column, ...]:
    return tuple(Column(d.name, Kind.DIMENSION, d.name) for d in by)


def aggregate(con: duckdb.DuckDBPyConnection, by: Sequence[Dimension], scope: Scope) -> list[dict[str, Any]]:
    """One scan: the grouped rows with counts and cost (shares and ratios are added later); from
    the rollup (llmcost.queries.rollup) when one is prepared that holds them."""
    from llmcost.queries import rollup

    dims, buckets = select_list(by, "r", scope.slot), bucket_list(by, "s", scope.slot)
    summed = rollup.active(con, scope, by)
    if summed is not None:
        where, params = summed
        slots = SQL.fragment("rollup_spend_slots", table=rollup.TABLE, dimensions=dims, scope=where)
    else:
        slots = SQL.fragment("spend_slots", dimensions=dims, scope=scope.where("r"), cost=scope.cost("r"))
        params = scope.params()
    sql = SQL.render("spend", slots=slots, buckets=buckets)
    cur = con.execute(sql, sqlrun.bind(sql, params))
    names = [d[0] for d in cur.description or []]
    rows = []
    for values in cur.fetchall():
        raw = dict(zip(names, values, strict=True))
        if not raw["requests"]:
            continue  # no dimensions and nothing in the window: one all-zero row from DuckDB
        row: dict[str, Any] = {d.name: shown_value(d, raw[f"d{i}"]) for i, d in enumerate(by)}
        for key in (*COUNTS, "naive_timestamps"):
            row[key] = int(raw[key] or 0)
        row["cost_usd"] = money(raw["cost_usd"])
        rows.append(row)
    return rows


def combine(rows: Sequence[dict[str, Any]], labels: dict[str, Any]) -> dict[str, Any]:
    """The sum of rows (the totals, or the "(other)" fold): exact, whatever the order."""
    out: dict[str, Any] = dict(labels)
    for key in (*COUNTS, "naive_timestamps"):
        out[key] = sum(r[key] for r in rows)
    cost: Decimal | None = None
    for r in rows:
        cost = exact.add(cost, r["cost_usd"])
    # Nothing unpriced and nothing summed means nothing was spent: $0 is then the truth.
    out["cost_usd"] = Decimal(0) if cost is None and not out["unpriced_requests"] else cost
    return out


def add_ratios(row: dict[str, Any], total_cost: Decimal | None) -> None:
    row["share"] = exact.share(row["cost_usd"], total_cost)
    row["cost_per_request"] = exact.per_unit(row["cost_usd"], row["requests"] - row["unpriced_requests"])


def dimension_order(by: Sequence[Dimension]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(part for d in by for part in (row[d.name] is None, row[d.name] or ""))

    return key


def order(rows: list[dict[str, Any]], by: Sequence[Dimension], sort: str) -> list[dict[str, Any]]:
    """Sort by the key (None last whatever the direction), ties by the dimension values."""
    ordered = sorted(rows, key=dimension_order(by))
    value, descending = SORT_KEYS[sort]
    if sort == "name":
        return ordered
    present = [r for r in ordered if value(r) is not None]
    missing = [r for r in ordered if value(r) is None]
    present.sort(key=value, reverse=descending)  # stable: equal keys keep the dimension order
    return present + missing


def fold_top(
    rows: list[dict[str, Any]], by: Sequence[Dimension], top: int | None
) -> tuple[list[dict[str, Any]], int]:
    """The first `top` rows and one "(other)" row summing the rest; returns (rows, rows folded)."""
    if top is None or len(rows) <= top:
        return rows, 0
    rest = rows[top:]
    other = combine(rest, {d.name: OTHER for d in by})
    other["other"] = True
    return [*rows[:top], other], len(rest)


def finish(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, Any]],
    q: SpendQuery,
) -> tuple[list[dict[str, Any]], dict[str, Any], DataQuality, int]:
    """Totals, ratios, order, --top fold and the data-quality facts of aggregated rows."""
    if q.top is not None and q.top < 1:
        raise UsageError("--top must be at least 1")
    totals = combine(rows, {})
    ordered = order(rows, q.by, q.sort_key())
    shown, folded = fold_top(ordered, q.by, q.top)
    for row in [*shown, totals]:
        add_ratios(row, totals["cost_usd"])
    counts = quality.ScanCounts(
        requests=totals["requests"],
        unpriced_requests=totals["unpriced_requests"],
        unpriced_tokens=totals["unpriced_tokens"],
        naive_timestamps=totals["naive_timestamps"],
    )
    for row in [*shown, totals]:
        row.pop("naive_timestamps")
    return shown, totals, quality.collect(con, q.scope, counts), folded


def empty_window_warning(con: duckdb.DuckDBPyConnection, scope: Scope, flag: str = "--since") -> str:
    """The warning of a report with no rows: the window holds no requests (`queries.extent`), or
    the filters match none in it."""
    from llmcost.queries.extent import empty_window_or_none

    empty = empty_window_or_none(con, scope.window, flag)
    if empty is not None or not scope.filters:
        return empty or "no requests in the window"
    return "no requests in the window match the filters"


def spend(
    con: duckdb.DuckDBPyConnection,
    q: SpendQuery,
    *,
    name: str = "spend",
    title: str | None = None,
) -> Report:
    """The spend report for `q` (what `llmcost report` prints)."""
    rows = aggregate(con, q.by, q.scope)
    shown, totals, dq, folded = finish(con, rows, q)
    # Report.warnings holds what the data-quality facts do not already say (JSON lists both).
    # A filter that matches nothing comes first, and explains an empty report on its own.
    cov = coverage.check(con, q.scope)
    warnings = list(cov.warnings)
    if not rows and not cov.excludes_all:
        warnings.append(empty_window_warning(con, q.scope))
    notes = [f"{folded:,} smaller row(s) folded into {OTHER} (--top {q.top})"] if folded else []
    group = ", ".join(d.name for d in q.by) or "everything"
    return Report(
        name=name,
        title=title or f"Spend by {group}",
        columns=(*dimension_columns(q.by), *METRIC_COLUMNS),
        rows=shown,
        totals=totals,
        window=q.scope.window,
        cost_mode=q.scope.cost_mode,
        group_by=tuple(d.name for d in q.by),
        quality=dq,
        price_catalog=quality.price_catalog(dq),
        warnings=warnings,
        notes=notes,
        parameters={"top": q.top, "folded_rows": folded, "sort": q.sort_key()},
        filters=q.scope.filters,
        date_range=coverage.date_range(con, q.scope),
    )
