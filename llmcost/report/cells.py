"""How a report's cells read for people (terminal, Markdown, HTML) and for machines (JSON, CSV).

Machines get exact text: money as a decimal string with the nano-dollar scale of `cost_usd`,
shares and averages at their fixed scales. People get the figures of `llmcost.numbers`, the one
place that rounds (half-even on Decimals, so it never depends on floats).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from llmcost.numbers import compact, count, decimal, exact_usd, percent, usd
from llmcost.queries.exact import NUMBER_SCALE, SHARE_SCALE
from llmcost.queries.model import Column, Kind
from llmcost.redact import redact

NOT_LOGGED = "(none)"
UNPRICED = "unpriced"
NOT_APPLICABLE = "n/a"


def machine(column: Column, value: Any) -> Any:
    """The JSON value: ints as numbers, Decimals as exact strings at a fixed scale, None as null."""
    return machine_of(column)(value)


_SHARE_PLACES = Decimal(str(SHARE_SCALE))
_NUMBER_PLACES = Decimal(str(NUMBER_SCALE))


def _money(value: Any) -> Any:
    return None if value is None else exact_usd(value)


def _share(value: Any) -> Any:
    return None if value is None else f"{value.quantize(_SHARE_PLACES, rounding=ROUND_HALF_EVEN):f}"


def _number(value: Any) -> Any:
    return None if value is None else f"{value.quantize(_NUMBER_PLACES, rounding=ROUND_HALF_EVEN):f}"


def _integer(value: Any) -> Any:
    return None if value is None else int(value)


def _text(value: Any) -> Any:
    return None if value is None else redact(str(value))


def machine_of(column: Column) -> Callable[[Any], Any]:
    """`machine` for every cell of `column`, its kind looked at once (a JSON report of 500 rows
    converts 7,500 cells: issue 16)."""
    kind = column.kind
    if kind in (Kind.MONEY, Kind.UNIT_MONEY):
        return _money
    if kind is Kind.SHARE:
        return _share
    if kind is Kind.NUMBER:
        return _number
    if kind in (Kind.COUNT, Kind.TOKENS):
        return _integer
    return _text


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
