"""--since / --until / --tz: formats, half-open bounds, zones, errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from llmcost.errors import UsageError
from llmcost.window import Window

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def test_dates_are_midnight_in_the_zone() -> None:
    w = Window.parse("2026-05-01", "2026-05-08", "UTC", now=NOW)
    assert (w.since, w.until) == (datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 5, 8, tzinfo=UTC))
    berlin = Window.parse("2026-05-01", None, "Europe/Berlin", now=NOW)
    assert berlin.since == datetime(2026, 4, 30, 22, 0, tzinfo=UTC)
    assert berlin.as_dict() == {"since": "2026-05-01T00:00:00+02:00", "until": None, "tz": "Europe/Berlin"}


def test_rfc3339_with_offset_zulu_and_naive() -> None:
    w = Window.parse("2026-05-01T10:00:00+02:00", "2026-05-01T12:00:00Z", now=NOW)
    assert w.since == datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    assert w.until == datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    naive = Window.parse("2026-05-01T10:00:00", None, "America/New_York", now=NOW)
    assert naive.since == datetime(2026, 5, 1, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "hours"), [("24h", 24), ("7d", 168), ("90m", 1.5), ("2w", 336)])
def test_relative_durations_count_back_from_now(text: str, hours: float) -> None:
    w = Window.parse(text, None, now=NOW)
    assert w.since is not None and (NOW - w.since).total_seconds() == hours * 3600


def test_half_open_predicate_binds_only_the_sides_given() -> None:
    assert Window().predicate("r") == "TRUE"
    w = Window.parse("2026-05-01", None, now=NOW)
    assert w.predicate("r") == "r.ts >= $since" and set(w.params()) == {"since"}
    w = Window.parse(None, "2026-05-01", now=NOW)
    assert w.predicate("r") == "r.ts < $until"


@pytest.mark.parametrize(
    ("since", "until", "tz"),
    [
        ("yesterday", None, "UTC"),
        ("2026-13-01", None, "UTC"),
        ("2026-05-02", "2026-05-01", "UTC"),
        ("2026-05-01", "2026-05-01", "UTC"),
        (None, None, "Mars/Olympus"),
    ],
)
def test_bad_windows_are_usage_errors(since: str | None, until: str | None, tz: str) -> None:
    with pytest.raises(UsageError):
        Window.parse(since, until, tz, now=NOW)
