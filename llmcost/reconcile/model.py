"""What a reconciliation finds: compared lines, the explanations of the gap, the verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from llmcost.numbers import exact_usd as money

ZERO = Decimal(0)
SHARE = Decimal("0.0001")

# Explanation kinds, in the order they claim a line's gap.
INGEST_GAP = "ingest_gap"
NOT_BILLED = "not_billed"
UNPRICED = "unpriced"
UNLOGGED_MODEL = "unlogged_model"
DISCOUNT = "discount"
CACHE_TOKENS = "cache_tokens"
FAILED_CALLS = "failed_calls"
RESIDUAL = "residual"
ZONE_BOUNDARY = "zone_boundary"  # informational: not part of the UTC gap


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (part / whole).quantize(SHARE, rounding=ROUND_HALF_EVEN)


@dataclass
class Line:
    """Billed against estimated for one provider, model, UTC day and (where billed so) token type."""

    provider: str
    model: str
    day: date
    token_type: str | None
    billed: Decimal = ZERO
    estimated: Decimal = ZERO
    billed_as: set[str] = field(default_factory=set)
    logged_as: set[str] = field(default_factory=set)
    requests: int = 0
    unpriced: int = 0
    failed: int = 0
    failed_usd: Decimal = ZERO
    # what a 5-minute cache write would cost more at the 1-hour rate (untyped lines)
    cache_1h_delta: Decimal = ZERO
    explained: dict[str, Decimal] = field(default_factory=dict)

    @property
    def gap(self) -> Decimal:
        return self.billed - self.estimated

    @property
    def unexplained(self) -> Decimal:
        return self.gap - sum(self.explained.values(), ZERO)

    def claim(self, kind: str, amount: Decimal) -> None:
        if amount:
            self.explained[kind] = self.explained.get(kind, ZERO) + amount

    @property
    def label(self) -> str:
        parts = [self.provider, self.model, self.day.isoformat()]
        if self.token_type:
            parts.append(self.token_type)
        return " ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "day": self.day.isoformat(),
            "token_type": self.token_type,
            "billed_usd": money(self.billed),
            "estimated_usd": money(self.estimated),
            "gap_usd": money(self.gap),
            "billed_as": sorted(self.billed_as),
            "logged_as": sorted(self.logged_as),
            "requests": self.requests,
            "unpriced_requests": self.unpriced,
            "failed_requests": self.failed,
            "explained": {k: money(v) for k, v in sorted(self.explained.items())},
        }


@dataclass(frozen=True)
class Explanation:
    kind: str
    title: str
    detail: str
    amount: Decimal
    share: Decimal | None  # of the month's gap
    lines: int
    in_gap: bool = True
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "detail": self.detail,
            "amount_usd": money(self.amount),
            "share_of_gap": None if self.share is None else f"{self.share:f}",
            "lines": self.lines,
            "in_gap": self.in_gap,
            "facts": self.facts,
        }


@dataclass(frozen=True)
class ProviderTotal:
    provider: str
    billed: Decimal
    estimated: Decimal
    token_types: bool
    over_threshold: bool

    @property
    def gap(self) -> Decimal:
        return self.billed - self.estimated

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "billed_usd": money(self.billed),
            "estimated_usd": money(self.estimated),
            "gap_usd": money(self.gap),
            "gap_ratio": None
            if ratio(self.gap, self.billed) is None
            else f"{ratio(self.gap, self.billed):f}",
            "by_token_type": self.token_types,
            "over_threshold": self.over_threshold,
        }


@dataclass(frozen=True)
class Suggestion:
    """A user discount (or rate) that would close a consistent ratio, as a [pricing] entry."""

    provider: str
    model: str | None
    percent: Decimal  # > 0: a discount; < 0: billed above the catalog
    effective_from: date
    effective_until: date


@dataclass(frozen=True)
class Reconciliation:
    month: str
    since: date
    until: date
    providers: tuple[ProviderTotal, ...]
    lines: tuple[Line, ...]
    explanations: tuple[Explanation, ...]
    threshold: Decimal
    over_threshold: tuple[Line, ...]
    aliases: tuple[tuple[str, str, tuple[str, ...]], ...]  # (provider, logged model, billed names)
    suggestions: tuple[Suggestion, ...]
    catalog: str
    tz: str
    ratios: tuple[Any, ...] = ()  # explain.Ratio, for --suggest-rates
    notes: tuple[str, ...] = ()

    @property
    def billed(self) -> Decimal:
        return sum((p.billed for p in self.providers), ZERO)

    @property
    def estimated(self) -> Decimal:
        return sum((p.estimated for p in self.providers), ZERO)

    @property
    def gap(self) -> Decimal:
        return self.billed - self.estimated

    @property
    def tripped(self) -> bool:
        return any(p.over_threshold for p in self.providers)

    def explanation(self, kind: str) -> Explanation | None:
        return next((e for e in self.explanations if e.kind == kind), None)

    def as_dict(self) -> dict[str, Any]:
        gap_ratio = ratio(self.gap, self.billed)
        return {
            "schema_version": 1,
            "month": self.month,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "days": "UTC",
            "report_tz": self.tz,
            "billed_usd": money(self.billed),
            "estimated_usd": money(self.estimated),
            "gap_usd": money(self.gap),
            "gap_ratio": None if gap_ratio is None else f"{gap_ratio:f}",
            "threshold": f"{self.threshold:f}",
            "over_threshold": self.tripped,
            "providers": [p.as_dict() for p in self.providers],
            "explanations": [e.as_dict() for e in self.explanations],
            "lines_over_threshold": [ln.label for ln in self.over_threshold],
            "aliases": [
                {"provider": p, "model": m, "billed_as": list(names)} for p, m, names in self.aliases
            ],
            "lines": [ln.as_dict() for ln in self.lines],
            "prices": self.catalog,
            "notes": list(self.notes),
        }
