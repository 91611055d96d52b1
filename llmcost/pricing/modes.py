"""The cost expression of each cost mode: which columns a request's cost is read from.

Its own module, with no imports beyond the standard library, so a report can build its SQL
without loading the price catalog's machinery (pydantic models, genai-prices name matching).
"""

from __future__ import annotations

import re

# Which columns each cost mode reads, in order of preference.
COST_COLUMNS: dict[str, tuple[str, ...]] = {
    "derived": ("cost_usd",),
    "logged": ("logged_cost_usd",),
    "auto": ("logged_cost_usd", "cost_usd"),
}

_ALIAS = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def cost_sql(mode: str, alias: str | None = None) -> str:
    """The SQL expression for a request's cost under a cost mode (ccusage's display modes):
    derived = re-derived from prices (default), logged = what the middleware logged,
    auto = logged when present, else derived."""
    try:
        columns = COST_COLUMNS[mode]
    except KeyError:
        raise ValueError(f"unknown cost mode {mode!r} (use derived, logged or auto)") from None
    if alias is not None and not _ALIAS.match(alias):
        raise ValueError(f"not a table alias: {alias!r}")
    refs = [f"{alias}.{c}" if alias else c for c in columns]
    return refs[0] if len(refs) == 1 else f"coalesce({', '.join(refs)})"


def unpriced_sql(mode: str, alias: str | None = None) -> str:
    """The predicate for a request with no cost under a cost mode (counted, never shown as $0)."""
    return f"({cost_sql(mode, alias)}) IS NULL"
