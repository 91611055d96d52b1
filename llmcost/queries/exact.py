"""Exact division for money, shares and averages.

DuckDB divides DECIMALs into DOUBLEs, so ratios are taken here, in Decimal, and rounded once
(half-even) to a fixed scale: the same input always prints the same digits.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal

_CTX = Context(prec=60, rounding=ROUND_HALF_EVEN)
UNIT_SCALE = Decimal("0.000000001")  # per request / per success: the nano-dollar, like cost_usd
SHARE_SCALE = Decimal("0.000001")
NUMBER_SCALE = Decimal("0.01")


def _div(num: Decimal | int, den: Decimal | int, scale: Decimal) -> Decimal:
    return _CTX.divide(Decimal(num), Decimal(den)).quantize(scale, rounding=ROUND_HALF_EVEN, context=_CTX)


def per_unit(cost: Decimal | None, count: int) -> Decimal | None:
    """Cost per request / per success; None when there is no cost or nothing to divide by."""
    if cost is None or count <= 0:
        return None
    return _div(cost, count, UNIT_SCALE)


def share(part: Decimal | int | None, whole: Decimal | int | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return _div(part, whole, SHARE_SCALE)


def average(total: Decimal | int | None, count: int) -> Decimal | None:
    if total is None or count <= 0:
        return None
    return _div(total, count, NUMBER_SCALE)


def add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """Sum of costs where None means "nothing priced": None + x = x, None + None = None."""
    if a is None:
        return b
    if b is None:
        return a
    return a + b
