"""What a query returns: a table of typed columns, its totals, the window and cost mode it was
computed for, and the data-quality facts that bear on it. Renderers (llmcost.report) turn this
into a terminal table, JSON, JSONL, CSV or Markdown; nothing here knows about any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from llmcost.queries.dimensions import Filter, filters_dict
from llmcost.window import Window

SCHEMA_VERSION = 1
OTHER = "(other)"


class Kind(StrEnum):
    DIMENSION = "dimension"  # a value from the logs (str, or None when not logged)
    COUNT = "count"  # int
    TOKENS = "tokens"  # int
    MONEY = "money"  # Decimal USD; None = unpriced (never $0)
    UNIT_MONEY = "unit_money"  # Decimal USD per request / per success; None = n/a
    SHARE = "share"  # Decimal fraction 0..1; None = n/a
    NUMBER = "number"  # Decimal (an average, a ratio); None = n/a
    TEXT = "text"  # a label llmcost wrote


@dataclass(frozen=True)
class Column:
    name: str  # key in every row, and the JSON / CSV name
    kind: Kind
    label: str  # heading: a newline splits it over two lines in the terminal

    @property
    def title(self) -> str:
        """The heading on one line (Markdown, JSON)."""
        return " ".join(self.label.split())

    detail: bool = False  # shown in JSON, JSONL, CSV and Markdown; left out of the terminal table
    when_nonzero: bool = False  # terminal: only when some row has a non-zero value
    # A terminal too narrow for every column drops the lowest priority first (0, then 1; 2 stays).
    priority: int = 1


@dataclass(frozen=True)
class UnpricedModel:
    provider: str | None
    model: str
    requests: int
    tokens: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "requests": self.requests,
            "tokens": self.tokens,
        }


@dataclass(frozen=True)
class DataQuality:
    """The facts every report ends with: what it could not count or price, and why."""

    cost_mode: str
    catalogs: tuple[str, ...]  # price catalogs behind the window's derived costs
    requests: int = 0
    unpriced_requests: int = 0
    unpriced_tokens: int = 0
    unpriced_models: tuple[UnpricedModel, ...] = ()
    naive_timestamps: int = 0
    rejected_in_window: int = 0
    rejected_undated: int = 0  # rejected lines whose time could not be read (window unknown)
    conflicting_duplicates: int = 0
    outcome_events: int | None = None  # unit economics only
    orphan_events: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "cost_mode": self.cost_mode,
            "price_catalogs": list(self.catalogs),
            "requests": self.requests,
            "unpriced_requests": self.unpriced_requests,
            "unpriced_tokens": self.unpriced_tokens,
            "unpriced_models": [m.as_dict() for m in self.unpriced_models],
            "naive_timestamps": self.naive_timestamps,
            "rejected_lines_in_window": self.rejected_in_window,
            "rejected_lines_undated": self.rejected_undated,
            "conflicting_duplicates": self.conflicting_duplicates,
        }
        if self.outcome_events is not None:
            out["outcome_events"] = self.outcome_events
            out["orphan_events"] = self.orphan_events
        return out


@dataclass(frozen=True)
class DateRange:
    """The dates a report covers, resolved: each bound as the user gave it (`--since`, `--until`,
    a view's own window) or, where the window is open, the first or last request under the same
    window and filters. None: that side is open and no request is in scope."""

    window: Window
    start: datetime | None  # the first instant counted
    end: datetime | None  # --until (excluded) or the last request (included)

    @property
    def start_given(self) -> bool:
        return self.window.since is not None

    @property
    def end_given(self) -> bool:
        return self.window.until is not None

    @classmethod
    def of(cls, window: Window, first: datetime | None = None, last: datetime | None = None) -> DateRange:
        return cls(window, window.since or first, window.until or last)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "from": self.window.shown(self.start),
            "to": self.window.shown(self.end),
            "from_is": "given" if self.start_given else "first_request",
            "to_is": "given" if self.end_given else "last_request",
        }


@dataclass
class Report:
    name: str  # spend, unit, top-tenants, ...
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None
    window: Window
    cost_mode: str
    group_by: tuple[str, ...]
    quality: DataQuality
    price_catalog: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)  # e.g. the outcome event, --top
    filters: tuple[Filter, ...] = ()  # the user's --where, echoed in titles and JSON parameters
    date_range: DateRange | None = None  # the window resolved against the data (None: not resolved)

    @property
    def date_range_or_window(self) -> DateRange:
        """The resolved range, or the window as given when no query resolved it."""
        return self.date_range or DateRange.of(self.window)

    def scope_parameters(self) -> dict[str, Any]:
        """`filters` and `range` for the JSON `parameters`: what was asked, and which dates that was."""
        return {"filters": filters_dict(self.filters), "range": self.date_range_or_window.as_dict()}

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def money(value: Any) -> Decimal | None:
    """A DECIMAL from DuckDB (or None) as a Decimal, never through a float."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    raise TypeError(f"money must come as DECIMAL, not {type(value).__name__}")
