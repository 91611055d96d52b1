"""How values read for people (terminal, Markdown) and for machines (JSON, CSV).

Machines get exact text: money as a decimal string with the nano-dollar scale of `cost_usd`,
shares and averages at their fixed scales. People get rounded figures; the rounding is
half-even on Decimals, so it never depends on floats.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from llmcost.queries.exact import NUMBER_SCALE, SHARE_SCALE, UNIT_SCALE
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
        return f"{_q(value, str(UNIT_SCALE)):f}"
    if column.kind is Kind.SHARE:
        return f"{_q(value, str(SHARE_SCALE)):f}"
    if column.kind is Kind.NUMBER:
        return f"{_q(value, str(NUMBER_SCALE)):f}"
    if column.kind in (Kind.COUNT, Kind.TOKENS):
        return int(value)
    return redact(str(value))


def usd(value: Decimal) -> str:
    if value == 0:
        return "$0.00"
    if abs(value) < Decimal("0.0001"):
        return "<$0.0001" if value > 0 else "-<$0.0001"
    places = "0.01" if abs(value) >= 10 else "0.0001"
    return f"${_q(value, places):,}" if value > 0 else f"-${_q(-value, places):,}"


def compact(n: int) -> str:
    """48,213,507 -> 48.2M: token columns must fit a 100-column terminal."""
    if abs(n) < 1000:
        return str(n)
    for size, suffix in ((10**3, "k"), (10**6, "M"), (10**9, "B"), (10**12, "T")):
        q = _q(Decimal(n) / size, "0.1")
        if abs(q) < 1000 or suffix == "T":
            return f"{q}{suffix}"
    raise AssertionError("unreachable")


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
        return f"{_q(value * 100, '0.1')}%"
    if kind is Kind.NUMBER:
        return f"{_q(value, '0.1'):,}"
    if kind is Kind.TOKENS:
        return compact(int(value)) if compact_tokens else f"{int(value):,}"
    if kind is Kind.COUNT:
        return f"{int(value):,}"
    return redact(str(value))


def is_number(column: Column) -> bool:
    return column.kind not in (Kind.DIMENSION, Kind.TEXT)
