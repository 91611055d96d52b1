"""How a report's cells read for people (terminal, Markdown, HTML) and for machines (JSON, CSV).

Machines get exact text: money as a decimal string with the nano-dollar scale of `cost_usd`,
shares and averages at their fixed scales. People get the figures of `llmcost.numbers`, the one
place that rounds (half-even on Decimals, so it never depends on floats).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from llmcost.numbers import compact, count, decimal, exact_usd, percent, usd
from llmcost.queries.exact import NUMBER_SCALE, SHARE_SCALE
from llmcost.queries.model import Column, Kind
from llmcost.redact import redact

NOT_LOGGED = "(none)"
UNPRICED = "unpriced"
NOT_APPLICABLE = "n/a"


def _q(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_EVEN)


def machine(column: Column, value: Any) -> Any:
    """The JSON value: ints as numbers, Decimals as exact strings at a fixed scale, None as null."""
    if value is None:
        return None
    if column.kind in (Kind.MONEY, Kind.UNIT_MONEY):
        return exact_usd(value)
    if column.kind is Kind.SHARE:
        return f"{_q(value, str(SHARE_SCALE)):f}"
    if column.kind is Kind.NUMBER:
        return f"{_q(value, str(NUMBER_SCALE)):f}"
    if column.kind in (Kind.COUNT, Kind.TOKENS):
        return int(value)
    return redact(str(value))


def human(column: Column, value: Any, *, compact_tokens: bool = False) -> str:
    """The text a person reads in a cell (dimension values still need escaping by the caller)."""
    kind = column.kind
    if value is None:
        if kind is Kind.DIMENSION:
            return NOT_LOGGED
        return UNPRICED if kind is Kind.MONEY else NOT_APPLICABLE
    if kind is Kind.MONEY or kind is Kind.UNIT_MONEY:
        return usd(value)
    if kind is Kind.SHARE:
        return percent(value)
    if kind is Kind.NUMBER:
        return decimal(value)
    if kind is Kind.TOKENS:
        return compact(int(value)) if compact_tokens else count(int(value))
    if kind is Kind.COUNT:
        return count(int(value))
    return redact(str(value))


def is_number(column: Column) -> bool:
    return column.kind not in (Kind.DIMENSION, Kind.TEXT)
