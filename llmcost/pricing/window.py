"""A half-open time window [since, until) over request timestamps, as a bound SQL predicate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any


def midnight(d: date) -> datetime:
    """A date as the UTC instant it starts (pricing and closed books are dated in UTC)."""
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


@dataclass(frozen=True)
class Window:
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def of_dates(cls, since: date | None, until: date | None) -> Window:
        return cls(midnight(since) if since else None, midnight(until) if until else None)

    @property
    def empty(self) -> bool:
        return self.since is not None and self.until is not None and self.since >= self.until

    def where(self, column: str = "ts") -> tuple[str, list[Any]]:
        parts, params = [], []
        if self.since is not None:
            parts.append(f"{column} >= ?")
            params.append(self.since)
        if self.until is not None:
            parts.append(f"{column} < ?")
            params.append(self.until)
        return (" AND ".join(parts) or "TRUE"), params

    def describe(self) -> str:
        lo = self.since.date().isoformat() if self.since else "the beginning"
        hi = self.until.date().isoformat() if self.until else "now"
        return f"{lo} to {hi}" if self.until else f"{lo} onwards"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
