"""What a query covers: the window, the user's filters and the cost mode, as SQL fragments and
the parameters they bind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llmcost.errors import UsageError
from llmcost.queries.dimensions import Filter, filter_sql, slot_us
from llmcost.window import Window

COST_MODES = ("derived", "logged", "auto")


def cost_expr(mode: str, alias: str) -> str:
    """The cost of one request under a cost mode: llmcost.pricing owns the definition."""
    # Imported here, not above: llmcost.pricing loads pydantic (its settings), and `llmcost report
    # --help` imports this module (tests/test_gates.py: start-up loads nothing heavy).
    from llmcost.pricing.modes import cost_sql

    try:
        return cost_sql(mode, alias)
    except ValueError:
        raise UsageError(
            f"--cost: unknown cost mode {mode[:20]!r}; choose from {', '.join(COST_MODES)}"
        ) from None


@dataclass(frozen=True)
class Scope:
    window: Window
    filters: tuple[Filter, ...] = ()
    cost_mode: str = "derived"

    def __post_init__(self) -> None:
        if self.cost_mode not in COST_MODES:
            raise UsageError(
                f"--cost: unknown cost mode {self.cost_mode[:20]!r}; choose from {', '.join(COST_MODES)}"
            )

    def where(self, alias: str) -> str:
        """Window and filters over `alias` (requests or outcomes: the filter dimensions exist in both
        when the caller allowed only those)."""
        clause, _ = filter_sql(self.filters, alias)
        return f"{self.window.predicate(alias)} AND {clause}"

    @property
    def slot(self) -> int:
        """Microseconds per time slot for this window's zone (see llmcost.queries.dimensions)."""
        return slot_us(self.window.tz)

    def cost(self, alias: str) -> str:
        return cost_expr(self.cost_mode, alias)

    def params(self) -> dict[str, Any]:
        _, params = filter_sql(self.filters, "r")
        return {**self.window.params(), "tz": self.window.tz, **params}
