"""The one money rule (llmcost.numbers), value by value, computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from llmcost import numbers


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1234.567", "$1,234.57"),  # at or above $1: cents, thousands separators
        ("1", "$1.00"),
        ("10.005", "$10.00"),  # half-even: 10.005 -> 10.00
        ("10.015", "$10.02"),
        ("0.004213", "$0.004213"),  # under $1: four significant digits
        ("0.00421350", "$0.004214"),  # half-even on the fifth digit (3 is odd: up)
        ("0.5", "$0.5000"),
        ("0.99996", "$1.00"),  # rounds up to a dollar: the cents form
        ("0.000000001", "$0.000000001000"),
        ("0", "$0.00"),  # exact zero
        ("0E-9", "$0.00"),
        ("-1234.567", "-$1,234.57"),  # negative: a leading minus
        ("-0.004213", "-$0.004213"),
    ],
)
def test_usd(value: str, text: str) -> None:
    assert numbers.usd(Decimal(value)) == text


def test_machines_keep_full_precision() -> None:
    assert numbers.exact_usd(Decimal("0.0042131234")) == "0.004213123"  # the nano-dollar of cost_usd
    assert numbers.exact_usd(Decimal("1234.5")) == "1234.500000000"
    assert numbers.usd_or(None) == "unpriced" and numbers.usd_or(None, "n/a") == "n/a"


def test_counts_tokens_shares_ratios() -> None:
    assert numbers.count(48_213_507) == "48,213,507"
    assert numbers.compact(48_213_507) == "48.2M" and numbers.compact(999) == "999"
    assert numbers.tokens(9_999_999) == "9,999,999" and numbers.tokens(12_345_678) == "12.3M"
    assert numbers.percent(Decimal("0.1234")) == "12.3%" and numbers.percent(0.4) == "40.0%"
    assert numbers.signed_percent(Decimal("0.125")) == "+12.5%"
    assert numbers.signed_percent(-0.05, "1") == "-5%"
    assert numbers.times(2.5) == "2.50×"
    assert numbers.decimal(Decimal("1234.55")) == "1,234.6"  # half-even: 1234.55 -> 1234.6
