"""The empty-window message, from its parts (llmcost.queries.extent)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from llmcost.queries.extent import NO_DATA_YET, Extent, empty_window, window_text
from llmcost.window import Window

HELD = Extent(
    datetime(2026, 10, 1, 0, 5, tzinfo=UTC), datetime(2026, 10, 31, 23, 50, 7, 123456, tzinfo=UTC), 10
)


@pytest.mark.parametrize(
    ("flag", "hint"),
    [
        ("--at", "try --at 2026-10-31"),
        ("--month", "try --month 2026-10"),
        ("--until", "try --until 2026-11-01"),
        ("--since", "try --since 2026-10-01 --until 2026-11-01"),
    ],
)
def test_the_message(flag: str, hint: str) -> None:
    assert empty_window(HELD, "in 2026-12-01..2026-12-02", flag) == (
        f"no requests in 2026-12-01..2026-12-02; the warehouse holds 2026-10-01..2026-10-31; {hint}"
    )


def test_days_are_read_in_the_zone() -> None:
    # 2026-10-31T23:50Z is already November 1st in Berlin
    text = empty_window(HELD, "on 2026-12-01", "--at", "Europe/Berlin")
    assert "the warehouse holds 2026-10-01..2026-11-01; try --at 2026-11-01" in text


def test_an_empty_warehouse() -> None:
    assert empty_window(Extent(None, None, 0), "on 2026-12-01", "--at") == NO_DATA_YET


def test_an_unknown_flag() -> None:
    with pytest.raises(ValueError, match="unknown option"):
        empty_window(HELD, "on 2026-12-01", "--when")


@pytest.mark.parametrize(
    ("since", "until", "text"),
    [
        ("2026-12-01", "2026-12-03", "in 2026-12-01..2026-12-02"),
        ("2026-12-01", "2026-12-02", "on 2026-12-01"),
        ("2026-12-01T06:30:00.250Z", None, "since 2026-12-01T06:30:00Z"),
        (None, "2026-12-01", "before 2026-12-01"),
    ],
)
def test_window_text(since: str | None, until: str | None, text: str) -> None:
    assert window_text(Window.parse(since, until, "UTC")) == text
