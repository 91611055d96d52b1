"""One scan for many spend reports over one window: the HTML dashboard's views (headline, the
previous period, the last two weeks, daily, models, input/output, stages, failures, the unit
series' spend, the unpriced models of each) all group the same requests by a few of the same
columns. `prepared` sums the window once per time slot, feature, provider, model, operation and
outcome into a TEMP table (`sql/rollup_create.sql`), and the outcome events per slot, event and
feature into another (`sql/rollup_events.sql`); within it, `spend.aggregate`, the unit
numerator and denominator, the dashboard's list of events and `quality.unpriced_models` read
those tables instead of the requests and events whenever they hold the answer exactly:

- the report's window lies inside the rollup's and both its bounds fall on slot boundaries;
- it groups only by time buckets and the rollup's columns (tenant, user, ... are not kept);
- its filters are the rollup's, plus filters on the rollup's columns of other dimensions;
- the cost mode and the zone (which sets the slot) are the rollup's.

The HTML report keeps the rollup prepared around its alerts and price check too: the alerts'
feature and outcome days (llmcost.alerts.facts) read it when it holds their UTC days, and, made
with the check's keys and sums (`prepared(..., checks=...)`), the price check its cells
(`active_checks`). Otherwise the report scans the requests as before. The figures are the same either way: the
rollup keeps the sums spend.sql takes, and sums of sums are exact (integers, DECIMAL costs).

    with rollup.prepared(con, wide_scope):
        spend(con, q)  # from the rollup when it covers q
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from llmcost.queries.dimensions import _SHIFT_US, DIMENSIONS, Dimension, Filter, filter_sql
from llmcost.queries.scope import Scope
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles
from llmcost.window import Window

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.queries")

TABLE = "_llmcost_rollup"
EVENTS_TABLE = "_llmcost_rollup_events"
# The rollups' columns, as dimensions: these may be grouped or filtered on (stage from operation).
COLUMNS = frozenset({"feature", "provider", "model", "operation", "stage", "outcome"})
EVENT_COLUMNS = frozenset({"feature"})
# The dimensions outcome events carry (queries.unit.UNIT_FILTERS): the events' rollup is made
# only when every filter of the window is on one of them.
_EVENT_FILTERS = frozenset({"tenant", "feature", "user"})

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_ACTIVE: ContextVar[Rollup | None] = ContextVar("spend_rollup", default=None)


@dataclass(frozen=True)
class Rollup:
    con_id: int
    scope: Scope  # the window summed (both bounds set, on slot boundaries) and its filters
    events: bool = False  # the outcome events' rollup was made too
    # the price check's keys and sums were taken too, with these parameters (llmcost.pricing.check)
    checks: tuple[tuple[str, Any], ...] | None = None

    def where(
        self, scope: Scope, by: Sequence[Dimension], columns: frozenset[str] = COLUMNS, alias: str = "r"
    ) -> tuple[str, dict[str, Any]] | None:
        """The WHERE clause over the rollup (aliased `alias`) and its parameters that answer a
        report grouped `by` over `scope`, or None when the rollup cannot answer it exactly."""
        mine, w = self.scope, scope.window
        if scope.cost_mode != mine.cost_mode or w.tz != mine.window.tz:
            return None
        if any(not (d.is_time or d.name in columns) for d in by):
            return None
        if (
            w.since is None
            or w.until is None
            or not (_on_slot(w.since, scope.slot) and _on_slot(w.until, scope.slot))
        ):
            return None
        assert mine.window.since is not None and mine.window.until is not None
        if w.since < mine.window.since or w.until > mine.window.until:
            return None
        extra = _extra_filters(mine.filters, scope.filters, columns)
        if extra is None:
            return None
        clause, params = filter_sql(extra, alias, prefix="x")
        return f"{w.predicate(alias)} AND {clause}", {**w.params(), "tz": w.tz, **params}


def _on_slot(at: datetime, slot: int) -> bool:
    micros = (at - _EPOCH) // timedelta(microseconds=1)
    return (micros + _SHIFT_US) % slot == 0


def _extra_filters(
    base: Sequence[Filter], filters: Sequence[Filter], columns: frozenset[str]
) -> tuple[Filter, ...] | None:
    """The filters beyond the rollup's own, when the rollup can apply them: each of the rollup's
    filters is among `filters`, and the rest are on the rollup's columns and on dimensions the
    rollup did not filter (values of one dimension are alternatives, not a further condition)."""
    if any(f not in filters for f in base):
        return None
    extra = tuple(f for f in filters if f not in base)
    filtered = {f.dimension.name for f in base}
    for f in extra:
        if f.dimension.name not in columns or f.dimension.name in filtered:
            return None
        if DIMENSIONS.get(f.dimension.name) != f.dimension:
            return None
    return extra


def active(
    con: duckdb.DuckDBPyConnection, scope: Scope, by: Sequence[Dimension]
) -> tuple[str, dict[str, Any]] | None:
    """The rollup's WHERE clause and parameters for a report grouped `by` over `scope` on `con`,
    or None: no rollup is prepared, or it cannot answer this report."""
    r = _ACTIVE.get()
    if r is None or r.con_id != id(con):
        return None
    return r.where(scope, by)


def active_events(
    con: duckdb.DuckDBPyConnection, scope: Scope, by: Sequence[Dimension]
) -> tuple[str, dict[str, Any]] | None:
    """As `active`, for the outcome events' rollup (aliased o): events by time slot, event name
    and feature."""
    r = _ACTIVE.get()
    if r is None or r.con_id != id(con) or not r.events:
        return None
    return r.where(scope, by, EVENT_COLUMNS, "o")


CHECK_PREFIX = "price_check_"


def active_checks(
    con: duckdb.DuckDBPyConnection, since: datetime, until: datetime, checks: dict[str, Any]
) -> tuple[str, str, dict[str, Any]] | None:
    """The rollup's table, a WHERE clause over it (aliased r) selecting exactly [since, until) of
    every request, and its parameters, for the price check with parameters `checks`
    (llmcost.pricing.check.check's `rollup`); None when no rollup of `con` holds that: none is
    prepared, it was made without the check's sums or with other parameters, it is filtered, or
    the window is not whole slots inside it."""
    r = _ACTIVE.get()
    if r is None or r.con_id != id(con) or r.checks is None or r.checks != tuple(sorted(checks.items())):
        return None
    mine = r.scope
    found = r.where(Scope(Window(since, until, mine.window.tz), (), mine.cost_mode), ())
    if found is None:
        return None
    where, params = found
    return TABLE, where, {**params, **checks}


@contextlib.contextmanager
def prepared(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, checks: dict[str, Any] | None = None
) -> Iterator[None]:
    """Within the block, spend reports over (parts of) `scope` on `con` read one rollup of it.
    Only for DuckDB's connection and a window with both bounds on slot boundaries; otherwise the
    block runs as if nothing was prepared. With `checks` (llmcost.pricing.check.check_params) the
    rollup also sums what the price check needs (`active_checks`)."""
    w = scope.window
    if (
        getattr(con, "inventory", True) is False  # Spark (llmcost.warehouse.engine): no TEMP tables
        or _ACTIVE.get() is not None
        or w.since is None
        or w.until is None
        or not (_on_slot(w.since, scope.slot) and _on_slot(w.until, scope.slot))
    ):
        yield
        return
    day = DIMENSIONS["day"]
    if checks is not None:
        from llmcost.pricing.check import rollup_fragments

        extra = rollup_fragments(CHECK_PREFIX)
    else:
        extra = {"check_keys": "", "check_sums": ""}
    sql = SQL.render(
        "rollup_create",
        table=TABLE,
        slot=day.expr("r", scope.slot),
        slot_start=f"make_timestamptz(c.slot * {int(scope.slot)} - {_SHIFT_US})",
        scope=scope.where("r"),
        cost=scope.cost("r"),
        **extra,
    )
    con.execute(sql, sqlrun.bind(sql, {**scope.params(), **(checks or {})}))
    events = all(f.dimension.name in _EVENT_FILTERS for f in scope.filters)
    try:
        if events:
            sql = SQL.render(
                "rollup_events",
                table=EVENTS_TABLE,
                slot=day.expr("o", scope.slot),
                slot_start=f"make_timestamptz(c.slot * {int(scope.slot)} - {_SHIFT_US})",
                scope=scope.where("o"),
            )
            con.execute(sql, sqlrun.bind(sql, scope.params()))
        kept = None if checks is None else tuple(sorted(checks.items()))
        token = _ACTIVE.set(Rollup(id(con), scope, events, kept))
        try:
            yield
        finally:
            _ACTIVE.reset(token)
    finally:
        con.execute(SQL.render("drop_temp", table=TABLE))
        con.execute(SQL.render("drop_temp", table=EVENTS_TABLE))
