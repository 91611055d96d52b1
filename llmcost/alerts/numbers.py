"""How numbers read in alert messages, tables and chat: short, exact enough, no float noise."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal


def usd(v: Decimal | None) -> str:
    if v is None:
        return "unpriced"
    places = Decimal("0.01") if abs(v) >= 1 or v == 0 else Decimal("0.0001")
    q = v.quantize(places, rounding=ROUND_HALF_EVEN)
    return f"-${-q:,}" if q < 0 else f"${q:,}"


def count(v: int) -> str:
    return f"{v:,}"


def tokens(v: int) -> str:
    if v >= 10_000_000:
        return f"{v / 1e6:,.1f}M"
    return f"{v:,}"


def times(v: float) -> str:
    return f"{v:.2f}×"


def pct(v: float) -> str:
    return f"{v * 100:.1f}%"


def signed_pct(v: float) -> str:
    return f"{v * 100:+.0f}%"
