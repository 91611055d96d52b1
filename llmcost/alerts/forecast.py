"""Month-to-date spend, run rate, month-end forecast and the day a budget runs out.

The run rate is the mean day over the `days` calendar days ending with the as-of day (days
without spend count as $0; days before the warehouse's first request do not count). The forecast
is month-to-date + run rate x the days left in the month. The budget runs out on the day the
cumulative spend reached it, or, if it has not yet, on the day the run rate would reach it (None
when that falls after the month's end).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from llmcost.alerts.model import NANO

ZERO = Decimal(0)


def month_start(d: date) -> date:
    return d.replace(day=1)


def days_in_month(d: date) -> int:
    return calendar.monthrange(d.year, d.month)[1]


def month_end(d: date) -> date:
    """The last day of d's month."""
    return d.replace(day=days_in_month(d))


@dataclass(frozen=True)
class Pace:
    month: date  # the 1st
    as_of: date  # the last day counted
    spent: Decimal  # from the 1st through as_of
    budget: Decimal | None
    run_rate: Decimal | None  # None: no day of data in the run-rate window
    run_rate_days: int  # the days the run rate averages
    forecast: Decimal | None  # month-end
    runs_out: date | None
    exhausted: bool  # the budget is already spent

    @property
    def days_elapsed(self) -> int:
        return self.as_of.day

    @property
    def days_in_month(self) -> int:
        return days_in_month(self.month)

    @property
    def share(self) -> float | None:
        return float(self.spent / self.budget) if self.budget else None

    @property
    def elapsed_share(self) -> float:
        return self.days_elapsed / self.days_in_month

    @property
    def forecast_share(self) -> float | None:
        return float(self.forecast / self.budget) if self.budget and self.forecast is not None else None


def rate_window(as_of: date, days: int, first_data: date | None) -> tuple[date, int] | None:
    """(first day, number of days) of the run-rate window: the `days` ending with `as_of`, from the
    warehouse's first day on; None when the warehouse holds nothing by `as_of`."""
    if first_data is None:
        return None
    start = max(as_of - timedelta(days=days - 1), first_data)
    return (start, (as_of - start).days + 1) if start <= as_of else None


def crossing_day(daily: dict[date, Decimal], as_of: date, budget: Decimal) -> date | None:
    """The first day of as_of's month by whose end the cumulative spend reached `budget`."""
    total = ZERO
    start = month_start(as_of)
    for i in range(as_of.day):
        d = start + timedelta(days=i)
        total += daily.get(d, ZERO)
        if total >= budget:
            return d
    return None


def pace_from(
    as_of: date,
    spent: Decimal,
    budget: Decimal | None,
    rate_total: Decimal | None,
    rate_days: int,
    crossed: Callable[[], date | None],
) -> Pace:
    """A Pace from month-to-date spend and the run-rate window's total; `crossed` is asked for the
    day the budget ran out only when it has."""
    rate = (rate_total / rate_days).quantize(NANO) if rate_total is not None and rate_days else None
    forecast = spent + rate * (days_in_month(as_of) - as_of.day) if rate is not None else None
    exhausted = budget is not None and spent >= budget
    runs_out: date | None = None
    if budget is not None:
        if exhausted:
            runs_out = crossed()
        elif rate is not None and rate > 0:
            at = as_of + timedelta(days=math.ceil((budget - spent) / rate))
            runs_out = at if at <= month_end(as_of) else None
    return Pace(
        month_start(as_of),
        as_of,
        spent,
        budget,
        rate,
        rate_days if rate is not None else 0,
        forecast,
        runs_out,
        exhausted,
    )


def pace(
    daily: dict[date, Decimal],
    as_of: date,
    budget: Decimal | None,
    days: int,
    first_data: date | None,
) -> Pace:
    """The month of `as_of`, from day costs (missing days are $0)."""
    start = month_start(as_of)
    spent = sum((c for d, c in daily.items() if start <= d <= as_of), ZERO)
    window = rate_window(as_of, days, first_data)
    total: Decimal | None = None
    if window is not None:
        total = sum((c for d, c in daily.items() if window[0] <= d <= as_of), ZERO)
    return pace_from(
        as_of,
        spent,
        budget,
        total,
        window[1] if window else 0,
        lambda: crossing_day(daily, as_of, budget) if budget is not None else None,
    )
