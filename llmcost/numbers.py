"""How numbers read: the one place that turns money, tokens, percentages and ratios into text.

Every renderer (terminal, Markdown, HTML, chat texts, webhook text, reconcile tables) and every
sentence a feature writes for people (alert messages, reconcile explanations) formats through
here, so the same dollar amount reads the same everywhere. It lives in the core, not in
`llmcost.report`, because alert rules and reconcile explanations write their messages below the
report layer and must not import it.

The money rule (`usd`), for people:

- at or above $1 (in absolute value): cents, half-even, with thousands separators: `$1,234.57`;
- under $1: four significant digits, half-even: `$0.004213`, `$0.5000`, `$0.000000001000`
  (a value that rounds up to $1 takes the cents form: `$1.00`);
- exactly zero: `$0.00`;
- negative: a leading minus before the dollar sign: `-$1,234.57`, `-$0.004213`.

Machines (JSON, CSV, Prometheus values) get exact text instead: `exact_usd` is the decimal string at
the nano-dollar scale of `cost_usd`; nothing for machines is rounded to cents.

All rounding is half-even on Decimals, so the text never depends on binary floats (a float
argument is converted exactly first).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal

_CTX = Context(prec=80, rounding=ROUND_HALF_EVEN)
NANO = Decimal("0.000000001")  # the scale of cost_usd
CENTS = Decimal("0.01")
ONE = Decimal(1)

Number = Decimal | int | float


def _dec(v: Number) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(v)


def _q(value: Decimal, places: Decimal | str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_EVEN, context=_CTX)


# -- money ------------------------------------------------------------------------------------


def usd(value: Number) -> str:
    """Money as people read it (the rule in the module docstring)."""
    v = _dec(value)
    if v == 0:
        return "$0.00"
    sign, mag = ("-", -v) if v < 0 else ("", v)
    if mag < ONE:
        q = _q(mag, ONE.scaleb(mag.adjusted() - 3))
        if q < ONE:
            return f"{sign}${q:f}"
    return f"{sign}${_q(mag, CENTS):,f}"


def signed_usd(value: Number) -> str:
    """A change of money: `+$1.37`, `-$0.004213`, `$0.00` (the money rule with its sign always shown)."""
    v = _dec(value)
    return usd(v) if v <= 0 else f"+{usd(v)}"


def usd_or(value: Number | None, missing: str = "unpriced") -> str:
    """`usd`, or `missing` for no value (a cost that could not be priced is never $0)."""
    return missing if value is None else usd(value)


def exact_usd(value: Number) -> str:
    """Money for machines: the exact decimal string at the nano-dollar scale, e.g. `0.004213000`."""
    return f"{_q(_dec(value), NANO):f}"


# -- counts and tokens ------------------------------------------------------------------------


def count(n: int) -> str:
    """A count with thousands separators: 48,213,507."""
    return f"{int(n):,}"


def compact(n: int) -> str:
    """48,213,507 -> 48.2M (k, M, B, T; one decimal, half-even): token columns must fit a
    100-column terminal."""
    if abs(n) < 1000:
        return str(n)
    for size, suffix in ((10**3, "k"), (10**6, "M"), (10**9, "B"), (10**12, "T")):
        q = _q(Decimal(n) / size, "0.1")
        if abs(q) < 1000 or suffix == "T":
            return f"{q}{suffix}"
    raise AssertionError("unreachable")


def tokens(n: int) -> str:
    """Tokens in a sentence: exact up to ten million (1,234,567), `compact` above (12.3M)."""
    return compact(n) if abs(n) >= 10_000_000 else count(n)


def decimal(value: Number, places: str = "0.1") -> str:
    """A plain number (an average, tokens per success) with separators at a fixed scale: 1,234.5."""
    return f"{_q(_dec(value), places):,f}"


# -- shares and ratios ------------------------------------------------------------------------


def percent(share: Number, places: str = "0.1") -> str:
    """A share (0.1234) as a percentage: 12.3%."""
    return f"{_q(_dec(share) * 100, places):f}%"


def signed_percent(share: Number, places: str = "0.1") -> str:
    """A change (0.1234, -0.05) as a signed percentage: +12.3%, -5.0%."""
    return f"{_q(_dec(share) * 100, places):+f}%"


def times(ratio: Number) -> str:
    """A ratio as a multiple: 2.50×."""
    return f"{_q(_dec(ratio), '0.01'):f}×"


# -- instants ---------------------------------------------------------------------------------


def instant(at: datetime, *, minutes: bool = False) -> str:
    """An instant for people: UTC, whole seconds (or minutes), never microseconds:
    `2026-10-31T23:10:07Z` (`2026-10-31T23:10Z` with minutes=True)."""
    utc = at.astimezone(UTC) if at.tzinfo is not None else at
    return utc.strftime("%Y-%m-%dT%H:%MZ" if minutes else "%Y-%m-%dT%H:%M:%SZ")
