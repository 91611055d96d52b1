"""Where the data is: the span of requests the warehouse holds, and the one message every
time-relative command prints when the window it was asked about holds none of them.

    no requests in 2026-12-01..2026-12-02; the warehouse holds 2026-10-01..2026-10-31; try --since 2026-10-01 --until 2026-11-01

The message names the window asked about, the data's actual range (in days of the zone the command
reads days in) and the option, with a value, that reaches the data. Checks of the filters
(`--where`) come after this one: an empty window is the first thing to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

    from llmcost.window import Window

SQL = SqlFiles("llmcost.queries")
NO_DATA_YET = "the warehouse holds no requests yet: run `llmcost ingest PATH`"
# What each option is given to reach the data, from its first and last day.
FLAGS = ("--at", "--month", "--since", "--until")


@dataclass(frozen=True)
class Extent:
    """The first and latest request the warehouse holds (None when it holds none) and how many."""

    first: datetime | None
    latest: datetime | None
    requests: int

    def days(self, tz: str = "UTC") -> tuple[date, date] | None:
        """The first and last day holding requests, read in `tz`."""
        if self.first is None or self.latest is None:
            return None
        zone = ZoneInfo(tz)
        return self.first.astimezone(zone).date(), self.latest.astimezone(zone).date()


def extent(con: duckdb.DuckDBPyConnection) -> Extent:
    """From segment metadata: no scan of the rows."""
    lo, hi, rows = sqlrun.run(con, SQL.text("data_range"), {})[0]
    if not rows:
        return Extent(None, None, 0)
    return Extent(_aware(lo), _aware(hi), int(rows))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def span(first: date, last: date) -> str:
    """Days as a range, both ends inclusive: 2026-10-01..2026-10-31 (one day: 2026-10-31)."""
    return first.isoformat() if first == last else f"{first}..{last}"


def window_text(window: Window) -> str:
    """A half-open window as the days (or, off midnight, the instants) it covers, with its
    preposition: "in 2026-10-01..2026-10-04", "on 2026-10-04", "since 2026-12-01T07:00:00Z"."""
    zone = ZoneInfo(window.tz)

    def shown(at: datetime, *, last: bool = False) -> str:
        local = at.astimezone(zone)
        if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
            return (local.date() - timedelta(days=1) if last else local.date()).isoformat()
        return local.replace(microsecond=0).isoformat().replace("+00:00", "Z")

    if window.since is not None and window.until is not None:
        lo, hi = shown(window.since), shown(window.until, last=True)
        return f"on {lo}" if lo == hi else f"in {lo}..{hi}"
    if window.since is not None:
        return f"since {shown(window.since)}"
    if window.until is not None:
        return f"before {shown(window.until)}"
    return "in the window"


def suggestion(flag: str, first: date, last: date) -> str:
    """The option and value that reach the data: the last day, its month, or the whole range."""
    if flag == "--at":
        return f"--at {last}"
    if flag == "--month":
        return f"--month {last:%Y-%m}"
    if flag == "--until":  # a window that ends at --until: end it after the last day
        return f"--until {last + timedelta(days=1)}"
    return f"--since {first} --until {last + timedelta(days=1)}"


def empty_window(ext: Extent, asked: str, flag: str, tz: str = "UTC") -> str:
    """The one message for a window with no requests: what was asked ("on 2026-12-01", "in
    December 2026", `window_text`), where the data is and what to type."""
    if flag not in FLAGS:
        raise ValueError(f"unknown option {flag!r}; expected one of {', '.join(FLAGS)}")
    days = ext.days(tz)
    if days is None:
        return NO_DATA_YET
    first, last = days
    return (
        f"no requests {asked}; the warehouse holds {span(first, last)}; try {suggestion(flag, first, last)}"
    )


def empty_window_message(con: duckdb.DuckDBPyConnection, window: Window, flag: str = "--since") -> str:
    """`empty_window` for a report's window, reading the extent from the warehouse."""
    return empty_window(extent(con), window_text(window), flag, window.tz)


def holds_requests(con: duckdb.DuckDBPyConnection, window: Window) -> bool:
    """Whether the window holds any request, whatever the filters."""
    sql = SQL.render("window_requests", window=window.predicate("r"))
    row = con.execute(sql, sqlrun.bind(sql, window.params())).fetchone()
    return bool(row and row[0])


def empty_window_or_none(con: duckdb.DuckDBPyConnection, window: Window, flag: str = "--since") -> str | None:
    """The empty-window message when the window holds no request at all; None when it does (then
    the filters emptied it: for the caller to say which, e.g. the closest values)."""
    return None if holds_requests(con, window) else empty_window_message(con, window, flag)
