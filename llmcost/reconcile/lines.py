"""One billed line as every invoice format is read into it, and the parsing they share.

Money is Decimal from the file's text to the warehouse: JSON is parsed with `parse_float=Decimal`,
CSV cells are decimal strings. Amounts are kept at the nano-dollar scale of `requests.cost_usd`
(rounded half-even: providers' float exports carry noise beyond it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

NANO = Decimal("0.000000001")
MAX_USD = Decimal("999999999")  # DECIMAL(18, 9)

TOKEN_TYPES = ("input", "output", "cache_read", "cache_write_5m", "cache_write_1h", "other")
CACHE_TYPES = ("cache_read", "cache_write_5m", "cache_write_1h")


class LineError(ValueError):
    """A row that cannot be read; the importer adds the file name and row."""


@dataclass(frozen=True)
class InvoiceLine:
    line_no: int
    day: date
    period_start: datetime | None
    period_end: datetime | None
    provider: str
    model: str | None
    token_type: str | None
    line_item: str | None
    project: str | None
    amount_usd: Decimal
    currency: str = "USD"


def usd(value: Any, *, field: str, scale: Decimal = Decimal(1)) -> Decimal:
    """A money value (Decimal, int or decimal string) in USD; `scale` converts cents."""
    if isinstance(value, bool) or value is None:
        raise LineError(f"{field}: expected an amount, got {value!r}")
    if isinstance(value, float):
        raise LineError(f"{field}: got a binary float; parse with Decimal")  # never reached for our readers
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise LineError(f"{field}: not a number: {str(value)[:40]!r}") from None
    if not amount.is_finite():
        raise LineError(f"{field}: not a finite amount: {value!r}")
    amount = (amount * scale).quantize(NANO, rounding=ROUND_HALF_EVEN)
    if abs(amount) > MAX_USD:
        raise LineError(f"{field}: amount out of range: {value!r}")
    return amount


def currency(value: Any) -> str:
    text = str(value or "USD").strip().upper()
    if text != "USD":
        raise LineError(f"currency {text[:10]!r}: only USD invoices can be reconciled")
    return text


def instant(value: Any, *, field: str) -> datetime:
    """Epoch seconds (int or numeric string) or ISO 8601 text as an aware UTC datetime."""
    if isinstance(value, bool) or value is None or value == "":
        raise LineError(f"{field}: missing")
    text = str(value).strip()
    if re.fullmatch(r"\d{9,11}(\.0+)?", text):
        return datetime.fromtimestamp(int(Decimal(text)), UTC)
    try:
        at = datetime.fromisoformat(text.replace("z", "Z").replace(" UTC", "+00:00"))
    except ValueError:
        raise LineError(f"{field}: not a time: {text[:40]!r}") from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def text(value: Any) -> str | None:
    if value is None:
        return None
    out = str(value).strip()
    return out or None


# Token types as the exports name them, to llmcost's classes (the columns of `requests`).
_TOKEN_NAMES = {
    "input": "input",
    "uncached_input_tokens": "input",
    "input_tokens": "input",
    "uncached input": "input",
    "output": "output",
    "output_tokens": "output",
    "cached input": "cache_read",
    "input (cached)": "cache_read",
    "cached_input": "cache_read",
    "cache_read": "cache_read",
    "cache read": "cache_read",
    "cache_read_input_tokens": "cache_read",
    "cache_write": "cache_write_5m",
    "cache write": "cache_write_5m",
    "cache_write_5m": "cache_write_5m",
    "cache_creation_input_tokens": "cache_write_5m",
    "cache_creation.ephemeral_5m_input_tokens": "cache_write_5m",
    "cache_write_1h": "cache_write_1h",
    "cache_creation.ephemeral_1h_input_tokens": "cache_write_1h",
}


def token_type(value: Any) -> str | None:
    """llmcost's token class for an export's token type; 'other' for a billed unit it does not
    log (web search, images), None when the line has no token type."""
    name = text(value)
    if name is None:
        return None
    return _TOKEN_NAMES.get(name.lower(), "other")
