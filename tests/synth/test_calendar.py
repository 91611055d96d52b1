"""`month_window`: a month of data ending on any day holds every planted anomaly."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from llmcost.synth.anomalies import ANOMALIES, place
from llmcost.synth.calendar import month_window


@pytest.mark.parametrize(
    ("end", "start", "days"),
    [
        (date(2026, 11, 18), date(2026, 10, 20), 30),  # the 1st of November has its week: 30 days back
        (date(2026, 12, 2), date(2026, 11, 1), 32),  # December's 1st is too late: back to November's
        (date(2026, 10, 31), date(2026, 10, 1), 31),  # 30 days back would miss October's 1st
        (date(2026, 3, 6), date(2026, 2, 1), 34),
    ],
)
def test_month_window(end: date, start: date, days: int) -> None:
    assert month_window(end) == (start, days)


def test_every_end_day_plants_every_anomaly() -> None:
    first = date(2026, 1, 1)
    for i in range(2 * 366):
        end = first + timedelta(days=i)
        start, days = month_window(end)
        assert 30 <= days <= 37 and start + timedelta(days=days - 1) == end
        plan = place(start, days, ANOMALIES)
        assert plan.skipped == [], (end, plan.skipped)
