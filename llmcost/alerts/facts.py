"""The aggregates the rules read, each computed once per evaluation over the union of the days the
enabled rules asked for.

Every rule first declares the days it needs (`need`), then reads the small aggregate tables
(tenant x day, day x feature x operation x outcome, org x day, ...). Scanning the warehouse once
per aggregate, not once per rule, is what keeps every rule on 10M requests under two seconds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.alerts.model import Span, day_start
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

_EPOCH = date(1970, 1, 1).toordinal()
ZERO = Decimal(0)

SQL = SqlFiles("llmcost.alerts")


def from_epoch_day(n: int) -> date:
    return date.fromordinal(_EPOCH + n)


def cost_expression(mode: str) -> str:
    """The SQL cost of one request under a cost mode; llmcost.pricing owns the definition."""
    from llmcost.errors import UsageError
    from llmcost.pricing import cost_sql

    try:
        return cost_sql(mode)
    except ValueError:
        raise UsageError(
            f"--cost: unknown cost mode {mode[:20]!r}; choose from derived, logged, auto"
        ) from None


@dataclass(frozen=True)
class DayCost:
    requests: int = 0
    cost: Decimal = ZERO
    unpriced: int = 0


@dataclass(frozen=True)
class TenantPeriod:
    requests: int  # month to date
    cost: Decimal
    unpriced: int
    rate_cost: Decimal  # in the run-rate window


@dataclass(frozen=True)
class FeatureDay:
    day: date
    feature: str | None
    operation: str
    outcome: str
    requests: int
    tokens: int
    cost: Decimal
    unpriced: int


@dataclass(frozen=True)
class Extent:
    first_request: datetime | None
    latest_request: datetime | None
    last_ingest: datetime | None
    last_ok_ingest: datetime | None

    @property
    def first_day(self) -> date | None:
        return self.first_request.astimezone(UTC).date() if self.first_request else None

    def history_days(self, day: date) -> int:
        """Whole days of data before `day` (0 when the warehouse starts on or after it)."""
        first = self.first_day
        return max(0, (day - first).days) if first is not None else 0


def _union(a: Span | None, b: Span) -> Span:
    return b if a is None else Span(min(a.start, b.start), max(a.end, b.end))


class Facts:
    """Lazy, cached aggregates over the warehouse for one evaluation."""

    def __init__(self, con: duckdb.DuckDBPyConnection, day: date, cost_mode: str, rate_days: int = 7) -> None:
        self.con = con
        self.day = day
        self.cost_mode = cost_mode
        self.rate_days = rate_days  # the run-rate window of month-end forecasts
        self.cost = cost_expression(cost_mode)
        self._spans: dict[str, Span] = {}
        self._cache: dict[Any, Any] = {}

    # -- declaring and running ---------------------------------------------------------------

    def need(self, name: str, span: Span) -> None:
        if name in self._cache:
            raise RuntimeError(f"{name} already computed; declare every need before reading")
        self._spans[name] = _union(self._spans.get(name), span)

    def _bounds(self, span: Span) -> dict[str, datetime]:
        return {"since": day_start(span.start), "until": day_start(span.end)}

    def query(self, name: str, params: dict[str, Any], **fragments: str) -> list[tuple[Any, ...]]:
        return SQL.run(self.con, name, params, **fragments)

    def _rollup(
        self, span: Span, by: tuple[str, ...], events: bool = False
    ) -> tuple[str, dict[str, Any]] | None:
        """The WHERE clause and parameters over the dashboard's rollup (llmcost.queries.rollup,
        prepared by the HTML report around its alerts) that give `span` grouped by UTC day and `by`,
        or None: no rollup is prepared, or it does not hold exactly that (another zone or cost mode,
        filters, days outside it). Its sums are the scan's, so the rows are the same."""
        from llmcost.queries import rollup
        from llmcost.queries.dimensions import DIMENSIONS
        from llmcost.queries.scope import Scope
        from llmcost.window import Window

        scope = Scope(Window(day_start(span.start), day_start(span.end), "UTC"), (), self.cost_mode)
        dims = tuple(DIMENSIONS[d] for d in ("day", *by))
        return (rollup.active_events if events else rollup.active)(self.con, scope, dims)

    def _cached(self, name: str, **fragments: str) -> list[tuple[Any, ...]]:
        if name not in self._cache:
            span = self._spans.get(name)
            if span is None:
                raise RuntimeError(f"{name}: no rule declared a need for it")
            summed = (
                self._rollup(span, ("feature", "operation", "outcome")) if name == "feature_days" else None
            )
            if summed is not None:
                from llmcost.queries.rollup import TABLE

                where, params = summed
                self._cache[name] = self.query("feature_days_rollup", params, table=TABLE, where=where)
            else:
                self._cache[name] = self.query(name, self._bounds(span), cost=self.cost, **fragments)
        rows: list[tuple[Any, ...]] = self._cache[name]
        return rows

    # -- the aggregates -----------------------------------------------------------------------

    def extent(self) -> Extent:
        if "extent" not in self._cache:
            row = self.query("extent", {})[0]
            self._cache["extent"] = Extent(*row)
        ext: Extent = self._cache["extent"]
        return ext

    def day_totals(self, span: Span) -> tuple[int, int]:
        """Requests and unpriced requests over `span`; for one day the tenant days already read
        cover, their sum (the same rows: tenant_days groups by UTC day), without another scan."""
        key = ("day_totals", span)
        if key not in self._cache:
            read = self._spans.get("tenant_days") if "tenant_days" in self._cache else None
            if read is not None and span.days == 1 and read.start <= span.start and span.end <= read.end:
                days = [d[span.start] for d in self.tenant_days().values() if span.start in d]
                self._cache[key] = (sum(c.requests for c in days), sum(c.unpriced for c in days))
            else:
                row = self.query("day_totals", self._bounds(span), cost=self.cost)[0]
                self._cache[key] = (int(row[0]), int(row[1]))
        totals: tuple[int, int] = self._cache[key]
        return totals

    def tenant_days(self) -> dict[str | None, dict[date, DayCost]]:
        """tenant → day → (requests, cost, unpriced), over the declared span; missing days are absent."""
        if "tenant_days_map" not in self._cache:
            out: dict[str | None, dict[date, DayCost]] = defaultdict(dict)
            for tenant, day, requests, cost, unpriced in self._cached("tenant_days"):
                out[tenant][from_epoch_day(day)] = DayCost(int(requests), cost or ZERO, int(unpriced))
            self._cache["tenant_days_map"] = dict(out)
        result: dict[str | None, dict[date, DayCost]] = self._cache["tenant_days_map"]
        return result

    def feature_days(self) -> list[FeatureDay]:
        if "feature_days_list" not in self._cache:
            self._cache["feature_days_list"] = [
                FeatureDay(from_epoch_day(d), f, op, oc, int(n), int(t or 0), c or ZERO, int(u))
                for d, f, op, oc, n, t, c, u in self._cached("feature_days")
            ]
        rows: list[FeatureDay] = self._cache["feature_days_list"]
        return rows

    @property
    def month_start(self) -> date:
        return self.day.replace(day=1)

    @property
    def rate_start(self) -> date:
        return self.day - timedelta(days=self.rate_days - 1)

    def need_period(self) -> None:
        """Declare the month-to-date and run-rate scan (`tenant_period`)."""
        self.need("tenant_period", Span(min(self.month_start, self.rate_start), self.day + timedelta(days=1)))

    def tenant_period(self) -> dict[str | None, TenantPeriod]:
        """tenant → month to date and run-rate window spend, through the evaluated day."""
        if "tenant_period_map" not in self._cache:
            span = self._spans["tenant_period"]
            params = {
                "until": day_start(span.end),
                "month_start": day_start(self.month_start),
                "rate_start": day_start(self.rate_start),
            }
            out: dict[str | None, TenantPeriod] = {}
            for part, t, n, c, u in self.query("tenant_period", params, cost=self.cost):
                had = out.get(t, TenantPeriod(0, ZERO, 0, ZERO))
                if part == "month":
                    out[t] = TenantPeriod(int(n), c or ZERO, int(u), had.rate_cost)
                else:
                    out[t] = TenantPeriod(had.requests, had.cost, had.unpriced, c or ZERO)
            self._cache["tenant_period_map"] = out
        result: dict[str | None, TenantPeriod] = self._cache["tenant_period_map"]
        return result

    def org_days(self, span: Span) -> dict[date, Decimal]:
        """The org's cost per day over `span`: asked only when a budget ran out, for the day it did."""
        key = ("org_days", span)
        if key not in self._cache:
            rows = self.query("org_days", self._bounds(span), cost=self.cost)
            self._cache[key] = {from_epoch_day(d): c or ZERO for d, _, c, _ in rows}
        result: dict[date, Decimal] = self._cache[key]
        return result

    def outcome_days(self, events: list[str]) -> dict[tuple[str | None, date], int]:
        key = ("outcome_days", tuple(events))
        if key not in self._cache:
            span = self._spans["outcome_days"]
            params: dict[str, Any] = self._bounds(span)
            if events:
                params["events"] = list(events)
                fragment = "list_contains($events, event)"
            else:
                fragment = "TRUE"
            summed = self._rollup(span, ("feature",), events=True)
            if summed is not None:
                from llmcost.queries.rollup import EVENTS_TABLE

                where, rollup_params = summed
                params = {**rollup_params, **({"events": list(events)} if events else {})}
                rows = self.query(
                    "outcome_days_rollup", params, table=EVENTS_TABLE, where=where, event_filter=fragment
                )
            else:
                rows = self.query("outcome_days", params, event_filter=fragment)
            self._cache[key] = {(f, from_epoch_day(d)): int(n) for d, f, n in rows}
        result: dict[tuple[str | None, date], int] = self._cache[key]
        return result

    def first_seen(self, tenants: list[str | None], before: date) -> dict[str | None, date]:
        """The first day each tenant appears before `before` (absent: never)."""
        named = [t for t in tenants if t is not None]
        params = {"until": day_start(before), "tenants": named, "untagged": None in tenants}
        rows = self.query("tenant_first_seen", params)
        return {t: ts.astimezone(UTC).date() for t, ts in rows}

    def detail(self, name: str, span: Span, **params: Any) -> list[tuple[Any, ...]]:
        """A small query run only when an alert fires, to say where the spend or the failures came from."""
        fragments = {"cost": self.cost} if "cost" in SQL.holes(name) else {}
        return self.query(name, {**self._bounds(span), **params}, **fragments)
