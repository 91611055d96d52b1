"""Ratios are Decimal, rounded once, half-even: no float ever prints 0.30000000000000004."""

from __future__ import annotations

from decimal import Decimal

from llmcost.queries import exact


def test_per_unit_shares_and_averages() -> None:
    assert exact.per_unit(Decimal("612"), 12_400) == Decimal("0.049354839")
    assert exact.per_unit(Decimal("612"), 9_100) == Decimal("0.067252747")
    assert exact.per_unit(Decimal("1"), 0) is None
    assert exact.per_unit(None, 3) is None
    assert exact.share(Decimal("0.1") + Decimal("0.2"), Decimal("0.9")) == Decimal("0.333333")
    assert exact.share(1, 0) is None
    assert exact.average(7, 2) == Decimal("3.50")
    assert exact.average(1, 8) == Decimal("0.12")  # half-even: 0.125 -> 0.12


def test_add_treats_none_as_nothing_priced() -> None:
    assert exact.add(None, None) is None
    assert exact.add(None, Decimal("0.1")) == Decimal("0.1")
    assert exact.add(Decimal("0.1"), Decimal("0.2")) == Decimal("0.3")
