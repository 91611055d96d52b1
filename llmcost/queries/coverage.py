"""What a report's scope covers in the data: the dates an open window resolves to, and the filters
that match no request at all.

- `date_range`: an open `--since` / `--until` becomes the first / last request under the same
  window and filters, so a report says "2026-05-04 to 2026-05-06", not "the first request to the
  last request". One small scan of the timestamp column, only when a side is open; none when both
  are open and no filter is given (the segment inventory's first and last request).
- `check`: a `--where tenant=acme` whose value no request has (the real one is `tenant_acme`) is
  a typo, not an empty window: "no request has tenant=acme; closest: tenant_acme". Reports put
  these warnings before any empty-window message, and leave that message out when a filter alone
  explains why nothing matched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from llmcost.queries.dimensions import Filter
from llmcost.queries.model import DateRange
from llmcost.queries.scope import Scope
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.queries")

CLOSEST = 3  # suggestions shown
CUTOFF = 0.6  # similarity below this is no suggestion
EXAMPLES = 3  # values shown when nothing is close


def date_range(con: duckdb.DuckDBPyConnection, scope: Scope) -> DateRange:
    """The window with each open side replaced by the first or last request in scope."""
    window = scope.window
    if window.since is not None and window.until is not None:
        return DateRange.of(window)
    if (
        window.since is None
        and window.until is None
        and not scope.filters
        and getattr(con, "inventory", True)
    ):
        # Unbounded and unfiltered: every request counts, and the inventory holds their span.
        usable, first, last = sqlrun.run(con, SQL.text("inventory_range"), {})[0]
        if usable:
            return DateRange.of(window, first, last)
    sql = SQL.render("coverage_range", scope=scope.where("r"))
    first, last = sqlrun.run(con, sql, scope.params())[0]
    return DateRange.of(window, first, last)


def similarity(wanted: str, candidate: str) -> float:
    """How close a value is to the one typed, 0..1: case-blind; a value that contains the typed one
    (or is contained in it) scores high, since prefixes such as `tenant_` are the usual miss."""
    a, b = wanted.casefold(), candidate.casefold()
    if a == b:
        return 1.0
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and short in long_:
        return 0.75 + 0.25 * len(short) / len(long_)
    return SequenceMatcher(None, a, b).ratio()


def closest(wanted: str, candidates: Iterable[str], n: int = CLOSEST) -> list[str]:
    """The `n` candidates most like `wanted`, best first (ties keep the candidates' order)."""
    scored = [(similarity(wanted, c), i, c) for i, c in enumerate(candidates)]
    good = sorted((s for s in scored if s[0] >= CUTOFF), key=lambda s: (-s[0], s[1]))
    return [c for _, _, c in good[:n]]


@dataclass(frozen=True)
class Unmatched:
    """A filter value no request has, and the values it may have meant."""

    filter: Filter
    closest: tuple[str, ...]
    examples: tuple[str, ...]  # the most common values, when none is close

    @property
    def message(self) -> str:
        f, name = self.filter, self.filter.dimension.name
        head = f"no request has {name}={f.value}"
        if f.negate:
            head += f", so {f.text} leaves nothing out"
        if self.closest:
            return f"{head}; closest: {', '.join(self.closest)}"
        if self.examples:
            return f"{head}; the most common: {', '.join(self.examples)}"
        return f"{head}; {name} is never logged"


@dataclass(frozen=True)
class Coverage:
    unmatched: tuple[Unmatched, ...] = ()
    # Some dimension's `=` values all match nothing: the filters alone leave the report empty.
    excludes_all: bool = False
    warnings: list[str] = field(default_factory=list)


def _matches(con: duckdb.DuckDBPyConnection, f: Filter) -> bool:
    sql = SQL.render("coverage_match", value=f.dimension.expr("r"))
    return bool(sqlrun.run(con, sql, {"value": f.value})[0][0])


def _values(con: duckdb.DuckDBPyConnection, f: Filter) -> list[str]:
    sql = SQL.render("coverage_values", value=f.dimension.expr("r"))
    return [str(v) for v, _ in sqlrun.run(con, sql, {})]


def check(con: duckdb.DuckDBPyConnection, scope: Scope) -> Coverage:
    """The filters (with a value) that no request in the warehouse matches, at any time."""
    found: list[Unmatched] = []
    dead: dict[str, list[bool]] = {}  # per dimension: for each `=` filter, whether it matches nothing
    for f in scope.filters:
        if f.value is None or f.dimension.is_time:
            continue
        missing = not _matches(con, f)
        if not f.negate:
            dead.setdefault(f.dimension.name, []).append(missing)
        if missing:
            values = _values(con, f)
            near = tuple(closest(f.value, values))
            found.append(Unmatched(f, near, () if near else tuple(values[:EXAMPLES])))
    excludes_all = any(all(flags) for flags in dead.values())
    return Coverage(tuple(found), excludes_all, [u.message for u in found])
