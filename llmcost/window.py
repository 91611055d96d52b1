"""The one time window: a half-open interval [since, until) of instants, and the zone that day,
week and month buckets (and bare dates and naive times on the command line) are read in.

Reports parse theirs from `--since`/`--until` (`Window.parse`); pricing, reprice and closed books
are dated in whole UTC days (`Window.of_dates`, `midnight`). Either way SQL sees the window as a
predicate with `$since` / `$until` bound by `params()`.

`--since` / `--until` accept `YYYY-MM-DD` (midnight in the zone), RFC 3339 (`2026-05-04T10:00:00Z`,
an offset, or no offset: read in the zone) and durations back from now (`90m`, `24h`, `7d`, `2w`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from llmcost.errors import UsageError

_RELATIVE = re.compile(r"^(\d{1,6})\s*(m|min|h|d|w)$", re.IGNORECASE)
_UNIT_SECONDS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


@cache
def _iana_names() -> frozenset[str]:
    from zoneinfo import available_timezones

    # `localtime` is a host's link to its own zone, not an IANA name, and DuckDB does not know it.
    return frozenset(available_timezones() - {"localtime"})


def known_zone(name: str) -> bool:
    """An IANA zone name that both Python and DuckDB's ICU read: files under the zoneinfo directory
    that are not zones (posixrules, right/..., localtime) are refused, not passed to DuckDB."""
    if name == "UTC":
        return True  # the default: an IANA name everywhere; listing the zone files costs ~50 ms
    names = _iana_names()
    if names and name not in names:
        return False  # no list at all (no tzdata anywhere): ZoneInfo alone decides
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def midnight(d: date) -> datetime:
    """A date as the UTC instant it starts (pricing and closed books are dated in UTC)."""
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def zone(name: str) -> ZoneInfo:
    if not known_zone(name):
        raise UsageError(f"--tz: unknown time zone {name[:60]!r} (use an IANA name such as Europe/Berlin)")
    return ZoneInfo(name)


def parse_instant(text: str, *, option: str, tz: str, now: datetime) -> datetime:
    """One bound of a window as an aware UTC datetime."""
    value = text.strip()
    m = _RELATIVE.match(value)
    if m:
        try:
            back = timedelta(seconds=int(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()])
            return (now - back).astimezone(UTC)
        except OverflowError:
            raise UsageError(f"{option}: {value[:40]!r} reaches back before the year 1") from None
    zi = zone(tz)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            d = date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"{option}: not a date: {value[:40]!r}") from None
        return datetime(d.year, d.month, d.day, tzinfo=zi).astimezone(UTC)
    try:
        at = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise UsageError(
            f"{option}: expected YYYY-MM-DD, an RFC 3339 time or a duration such as 24h or 7d, "
            f"got {value[:40]!r}"
        ) from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=zi)
    return at.astimezone(UTC)


@dataclass(frozen=True)
class Window:
    """[since, until) in UTC (None: open), and the zone of buckets and of the dates shown."""

    since: datetime | None = None
    until: datetime | None = None
    tz: str = "UTC"

    @classmethod
    def parse(
        cls, since: str | None, until: str | None, tz: str = "UTC", *, now: datetime | None = None
    ) -> Window:
        zone(tz)
        now = (now or datetime.now(UTC)).replace(microsecond=0)  # relative bounds print as whole seconds
        lo = parse_instant(since, option="--since", tz=tz, now=now) if since else None
        hi = parse_instant(until, option="--until", tz=tz, now=now) if until else None
        if lo is not None and hi is not None and lo >= hi:
            raise UsageError("--until must be after --since (the window is half-open: [since, until))")
        return cls(lo, hi, tz)

    @classmethod
    def of_dates(cls, since: date | None, until: date | None) -> Window:
        """Whole UTC days: [midnight of `since`, midnight of `until`)."""
        return cls(midnight(since) if since else None, midnight(until) if until else None)

    @property
    def empty(self) -> bool:
        return self.since is not None and self.until is not None and self.since >= self.until

    def predicate(self, alias: str, column: str = "ts") -> str:
        """The window as SQL over `alias.column`, with `$since` / `$until` bound by `params`.

        An open side adds no predicate at all, so DuckDB can still prune Parquet row groups.
        """
        parts: list[str] = []
        if self.since is not None:
            parts.append(f"{alias}.{column} >= $since")
        if self.until is not None:
            parts.append(f"{alias}.{column} < $until")
        return " AND ".join(parts) or "TRUE"

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.since is not None:
            out["since"] = self.since
        if self.until is not None:
            out["until"] = self.until
        return out

    def shown(self, at: datetime | None) -> str | None:
        """An instant as RFC 3339 in the window's zone (the same instant, as a user reads it)."""
        if at is None:
            return None
        local = at.astimezone(ZoneInfo(self.tz))
        text = local.isoformat()
        return text.replace("+00:00", "Z") if self.tz == "UTC" else text

    def as_dict(self) -> dict[str, str | None]:
        return {"since": self.shown(self.since), "until": self.shown(self.until), "tz": self.tz}

    def describe(self) -> str:
        lo = self.shown(self.since) or "the first request"
        hi = self.shown(self.until) or "the last request"
        return f"{lo} to {hi} (half-open, {self.tz})"

    def describe_days(self) -> str:
        """The window as the UTC days it covers, for pricing and reprice ("2026-03-01 onwards")."""
        lo = self.since.date().isoformat() if self.since else "the beginning"
        hi = self.until.date().isoformat() if self.until else "now"
        return f"{lo} to {hi}" if self.until else f"{lo} onwards"

    def as_utc_dict(self) -> dict[str, str | None]:
        """Both bounds in UTC ISO 8601, as pricing's JSON has always carried them."""
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


def utc_today() -> date:
    return datetime.now(UTC).date()


def parse_day(text: str | None, option: str = "--at") -> date:
    """A closed UTC day as people type it: YYYY-MM-DD, today or yesterday (None: yesterday); never
    in the future. `option` names the option (or URL parameter) in the message."""
    today = utc_today()
    value = "yesterday" if text is None else text.strip().lower()
    if value in ("today", "yesterday"):
        return today - timedelta(days=value == "yesterday")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option}: expected YYYY-MM-DD, today or yesterday (got {str(text)[:40]!r})"
        ) from None
    if day > today:
        raise UsageError(f"{option}: {day} is in the future (UTC today is {today})")
    return day


def parse_month(text: str, option: str = "--month") -> date:
    """YYYY-MM as its first day; never a future month."""
    try:
        month = datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise UsageError(f"{option}: expected YYYY-MM (got {text[:40]!r})") from None
    if month > utc_today():
        raise UsageError(f"{option}: {text.strip()} is in the future")
    return month
