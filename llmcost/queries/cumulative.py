"""Month-to-date running totals per series and UTC day: the numbers `llmcost export otlp` pushes.

A series is (tenant, feature, model, provider, operation). For each day of the asked range, every
series seen so far in that day's UTC month carries its totals from the 1st of the month through the
end of that day, whether or not it had requests on the day itself: a cumulative sum, which a
backend can rate(), and which is the same whenever it is computed for a closed day (so re-running
an export for the same days sends the same points).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from llmcost.queries.model import money
from llmcost.queries.scope import cost_expr
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.queries")

SeriesKey = tuple[str | None, str | None, str, str | None, str]  # tenant, feature, model, provider, operation


@dataclass(frozen=True)
class Totals:
    requests: int = 0
    failures: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: Decimal | None = None  # None while nothing in the series is priced
    unpriced: int = 0

    def plus(self, other: Totals) -> Totals:
        cost = self.cost_usd
        if other.cost_usd is not None:
            cost = other.cost_usd if cost is None else cost + other.cost_usd
        return Totals(
            self.requests + other.requests,
            self.failures + other.failures,
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            cost,
            self.unpriced + other.unpriced,
        )


@dataclass
class DayTotals:
    day: date
    month_start: date
    series: dict[SeriesKey, Totals] = field(default_factory=dict)  # month to date, end of `day`

    def org_cost(self) -> Decimal:
        return sum((t.cost_usd for t in self.series.values() if t.cost_usd is not None), Decimal(0))


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def month_to_date(con: duckdb.DuckDBPyConnection, first: date, last: date, cost_mode: str) -> list[DayTotals]:
    """For each UTC day in [first, last], the month-to-date totals of every series."""
    start = first.replace(day=1)
    sql = SQL.render("usage_days", cost=cost_expr(cost_mode, "r"))
    params = {"since": _midnight(start), "until": _midnight(last + timedelta(days=1))}
    daily: dict[date, dict[SeriesKey, Totals]] = {}
    for day, tenant, feature, model, provider, operation, req, fail, inp, out, cost, unp in sqlrun.run(
        con, sql, params
    ):
        key: SeriesKey = (tenant, feature, model, provider, operation)
        daily.setdefault(day, {})[key] = Totals(
            int(req), int(fail), int(inp or 0), int(out or 0), money(cost), int(unp)
        )
    out_days: list[DayTotals] = []
    running: dict[SeriesKey, Totals] = {}
    day = start
    while day <= last:
        if day.day == 1:
            running = {}
        for key, totals in daily.get(day, {}).items():
            running[key] = running.get(key, Totals()).plus(totals)
        if day >= first:
            out_days.append(DayTotals(day, day.replace(day=1), {k: replace(v) for k, v in running.items()}))
        day += timedelta(days=1)
    return out_days
