"""When traffic happens: business-day weekly shape, a UTC diurnal curve (US + EU customers), slow
growth, and the sampling of trace start times within a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt

DAY_MS = 86_400_000
HOUR_MS = 3_600_000

# Monday .. Sunday: a B2B product is quiet at weekends.
WEEKDAY = np.array([1.0, 1.05, 1.05, 1.0, 0.92, 0.55, 0.45])
# 00:00 .. 23:00 UTC: Europe's morning, the US afternoon, a night-time trough.
DIURNAL = np.array(
    [0.35, 0.28, 0.22, 0.2, 0.2, 0.25, 0.4, 0.6, 0.85, 1.0, 1.05, 1.05,
     1.1, 1.2, 1.3, 1.35, 1.3, 1.2, 1.0, 0.85, 0.7, 0.6, 0.5, 0.42]
)  # fmt: skip
DIURNAL_P = DIURNAL / DIURNAL.sum()
GROWTH_PER_DAY = 0.004
# The last traces of the window start early enough to finish (and be logged) inside it.
END_MARGIN_MS = 15 * 60_000


def epoch_ms(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() * 1000)


def day_of(start: date, day: int) -> date:
    return start + timedelta(days=day)


def day_weights(start: date, days: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Relative volume of each day (unnormalised): weekday shape x growth x a little noise."""
    wd = np.array([WEEKDAY[day_of(start, d).weekday()] for d in range(days)])
    growth = 1.0 + GROWTH_PER_DAY * np.arange(days)
    noise = rng.lognormal(0.0, 0.02, days)
    return np.asarray(wd * growth * noise, dtype=np.float64)


def start_times(
    rng: np.random.Generator, n: int, day_start_ms: int, limit_ms: int, uniform: bool = False
) -> npt.NDArray[np.int64]:
    """Sorted start times of `n` traces in [day_start_ms, limit_ms), following the diurnal curve
    (or uniformly, for batch jobs that run around the clock)."""
    span = limit_ms - day_start_ms
    if uniform:
        offset = (rng.random(n) * span).astype(np.int64)
    else:
        hours = rng.choice(24, size=n, p=DIURNAL_P)
        offset = hours * HOUR_MS + rng.integers(0, HOUR_MS, n)
        if span < DAY_MS:  # the window's last day: squeeze the curve to end before the margin
            offset = offset * span // DAY_MS
    return np.sort(day_start_ms + offset).astype(np.int64)


def first_month_start(start: date, days: int, need: int = 7) -> int | None:
    """Index of the first day in the window that is the 1st of a month with `need` days after it."""
    for d in range(days - need + 1):
        if day_of(start, d).day == 1:
            return d
    return None


def days_in_month(d: date) -> int:
    nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return (nxt - date(d.year, d.month, 1)).days


def month_window(end: date, days: int = 30) -> tuple[date, int]:
    """The first day and length of "a month of data" whose last day is `end` (inclusive).

    At least `days` days, reaching back to a 1st of a month that has a full week in the window, so
    every planted anomaly fits (budget-pace needs a month's 1st and the 7 days from it) whatever
    the weekday and day of month `end` falls on: 30 to 37 days.
    """
    week_in = end - timedelta(days=6)
    first = date(week_in.year, week_in.month, 1)
    start = min(end - timedelta(days=days - 1), first)
    return start, (end - start).days + 1
