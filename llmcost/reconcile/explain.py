"""Explaining the gap from the data: each rule claims part of some lines' gap, in order, and what
no rule claims is the residual. The claims of a line add up to its gap exactly, so the
explanations add up to the month's gap exactly."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from llmcost.numbers import usd
from llmcost.reconcile.compare import Comparison
from llmcost.reconcile.lines import CACHE_TYPES
from llmcost.reconcile.model import (
    CACHE_TOKENS,
    DISCOUNT,
    FAILED_CALLS,
    INGEST_GAP,
    NOT_BILLED,
    RESIDUAL,
    UNLOGGED_MODEL,
    UNPRICED,
    ZERO,
    Explanation,
    Line,
    money,
    ratio,
)

# A ratio is "consistent" when the lines holding CONSISTENT_SHARE of the estimate agree with it
# within RATIO_TOLERANCE; it is a discount only if it differs from 1 by more than RATIO_NOISE.
RATIO_TOLERANCE = Decimal("0.01")
CONSISTENT_SHARE = Decimal("0.8")
RATIO_NOISE = Decimal("0.005")
CACHE_TOLERANCE = Decimal("0.02")
DUST = Decimal("0.000001")  # a leftover under a micro-dollar is rounding, not a finding
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Ratio:
    """A consistent billed/estimated ratio over a provider (model None) or one of its models."""

    provider: str
    model: str | None
    value: Decimal
    lines: int
    logged_as: tuple[str, ...] = ()  # the model names the logs use (a discount matches those)


def explain(cmp: Comparison) -> tuple[list[Explanation], list[Ratio]]:
    lines = cmp.lines
    _claim_days(cmp)
    _claim_unpriced(lines)
    _claim_unlogged(lines)
    for ln in lines:  # before ratios: a leftover that is exactly the 1h-vs-5m difference is no discount
        if _free(ln):
            _claim_cache_1h(ln, Decimal(1))
    ratios = _claim_ratios(lines)
    ratio_of = {(r.provider, r.model): r.value for r in ratios}
    for ln in lines:
        r = ratio_of.get((ln.provider, ln.model), ratio_of.get((ln.provider, None), Decimal(1)))
        _claim_cache(ln, r)
        _claim_failed(ln, r)
        if abs(ln.unexplained) > 0:
            ln.claim(RESIDUAL, ln.unexplained)
    gap = sum((ln.gap for ln in lines), ZERO)
    return _summaries(lines, gap, ratios), ratios


def _free(ln: Line) -> bool:
    return not ln.explained


def _claim_days(cmp: Comparison) -> None:
    for ln in cmp.lines:
        if ln.billed and (ln.provider, ln.day) not in cmp.logged_days:
            ln.claim(INGEST_GAP, ln.gap)
        elif ln.estimated and (ln.provider, ln.day) not in cmp.billed_days:
            ln.claim(NOT_BILLED, ln.gap)


def _claim_unpriced(lines: list[Line]) -> None:
    # A typed invoice spreads one model-day over token types: the unpriced requests make all of them.
    days = {(ln.provider, ln.model, ln.day) for ln in lines if ln.unpriced}
    for ln in lines:
        if _free(ln) and (ln.provider, ln.model, ln.day) in days:
            ln.claim(UNPRICED, ln.gap)


def _claim_unlogged(lines: list[Line]) -> None:
    logged = {(ln.provider, ln.model) for ln in lines if ln.logged_as}
    for ln in lines:
        if _free(ln) and ln.billed and (ln.provider, ln.model) not in logged:
            ln.claim(UNLOGGED_MODEL, ln.gap)


def _weighted_median(pairs: list[tuple[Decimal, Decimal]]) -> Decimal:
    """The ratio at half the estimated dollars, the ratios sorted (robust to a few odd lines)."""
    pairs = sorted(pairs)
    half = sum((w for _, w in pairs), ZERO) / 2
    acc = ZERO
    for value, weight in pairs:
        acc += weight
        if acc >= half:
            return value
    return pairs[-1][0]


def _consistent_ratio(lines: list[Line]) -> Decimal | None:
    sample = [ln for ln in lines if ln.estimated > 0 and ln.billed > 0 and ln.token_type not in CACHE_TYPES]
    if len(sample) < 2:
        return None
    middle = _weighted_median([(ln.billed / ln.estimated, ln.estimated) for ln in sample])
    # Lines must agree more closely than the ratio differs from 1: a spread as wide as the
    # effect is noise, not a contract.
    tolerance = min(RATIO_TOLERANCE, abs(1 - middle) / 4)
    agree = [ln for ln in sample if abs(ln.billed - middle * ln.estimated) <= tolerance * ln.estimated]
    weight = sum((ln.estimated for ln in sample), ZERO)
    agreed = sum((ln.estimated for ln in agree), ZERO)
    if len(agree) < 2 or agreed < CONSISTENT_SHARE * weight:
        return None
    value = sum((ln.billed for ln in agree), ZERO) / agreed
    return value if abs(1 - value) > RATIO_NOISE else None


def _claim_ratios(lines: list[Line]) -> list[Ratio]:
    by_provider: dict[str, list[Line]] = defaultdict(list)
    for ln in lines:
        if _free(ln):
            by_provider[ln.provider].append(ln)
    found: list[Ratio] = []
    for provider, group in sorted(by_provider.items()):
        value = _consistent_ratio(group)
        if value is not None:
            found.append(_apply(provider, None, value, group))
            continue
        by_model: dict[str, list[Line]] = defaultdict(list)
        for ln in group:
            by_model[ln.model].append(ln)
        for model, mlines in sorted(by_model.items()):
            value = _consistent_ratio(mlines)
            if value is not None:
                found.append(_apply(provider, model, value, mlines))
    return found


def _apply(provider: str, model: str | None, value: Decimal, lines: list[Line]) -> Ratio:
    n = 0
    for ln in lines:
        if ln.estimated:
            ln.claim(DISCOUNT, (value - 1) * ln.estimated)
            n += 1
    return Ratio(provider, model, value, n, tuple(sorted({m for ln in lines for m in ln.logged_as})))


def _claim_cache(ln: Line, r: Decimal) -> None:
    if ln.explained.keys() - {DISCOUNT}:
        return
    rest = ln.unexplained
    if ln.token_type in CACHE_TYPES:
        if abs(rest) >= DUST:
            ln.claim(CACHE_TOKENS, rest)
    else:
        _claim_cache_1h(ln, r)


def _claim_cache_1h(ln: Line, r: Decimal) -> None:
    """An invoice without token types: does the leftover match the 5-minute cache writes the
    logs record, billed at the 1-hour rate (times the provider's ratio)?"""
    if ln.token_type is not None or ln.cache_1h_delta <= 0:
        return
    rest = ln.unexplained
    expected = ln.cache_1h_delta * r
    if abs(rest - expected) <= CACHE_TOLERANCE * expected:
        ln.claim(CACHE_TOKENS, rest)


def _claim_failed(ln: Line, r: Decimal) -> None:
    if ln.explained.keys() - {DISCOUNT, CACHE_TOKENS}:
        return
    rest = ln.unexplained
    if rest < 0 and ln.failed_usd > 0:
        ln.claim(FAILED_CALLS, max(rest, -ln.failed_usd * r))


_TITLES = {
    INGEST_GAP: "days with invoice lines but no logs (ingest gap)",
    NOT_BILLED: "days with logs but no invoice lines",
    UNPRICED: "unpriced requests (no price for the model)",
    UNLOGGED_MODEL: "billed models the logs never name",
    DISCOUNT: "a consistent ratio: looks like a negotiated discount",
    CACHE_TOKENS: "cache-token accounting",
    FAILED_CALLS: "failed and timed-out calls not billed",
    RESIDUAL: "residual, unexplained",
}


def _summaries(lines: list[Line], gap: Decimal, ratios: list[Ratio]) -> list[Explanation]:
    out = []
    for kind, title in _TITLES.items():
        claimed = [ln for ln in lines if kind in ln.explained]
        amount = sum((ln.explained[kind] for ln in claimed), ZERO)
        if not claimed or (kind == RESIDUAL and abs(amount) < DUST * max(len(claimed), 1)):
            continue
        detail, facts = _DETAILS[kind](claimed, ratios)
        out.append(Explanation(kind, title, detail, amount, ratio(amount, gap), len(claimed), True, facts))
    return out


def _days(lines: list[Line]) -> dict[str, list[str]]:
    by: dict[str, set[str]] = defaultdict(set)
    for ln in lines:
        by[ln.provider].add(ln.day.isoformat())
    return {p: sorted(d) for p, d in sorted(by.items())}


def _ingest_gap(lines: list[Line], _r: list[Ratio]) -> tuple[str, dict[str, object]]:
    days = _days(lines)
    text = "; ".join(f"{p}: {', '.join(d)}" for p, d in days.items())
    billed = sum((ln.billed for ln in lines), ZERO)
    return f"{usd(billed)} billed on days with no logged requests ({text}): check ingest for them", {
        "days": days,
        "billed_usd": money(billed),
    }


def _not_billed(lines: list[Line], _r: list[Ratio]) -> tuple[str, dict[str, object]]:
    days = _days(lines)
    text = "; ".join(f"{p}: {', '.join(d)}" for p, d in days.items())
    est = sum((ln.estimated for ln in lines), ZERO)
    return f"{usd(est)} estimated on days the invoice has no lines for ({text})", {
        "days": days,
        "estimated_usd": money(est),
    }


def _models(lines: list[Line]) -> list[str]:
    return sorted({f"{ln.provider}/{ln.model}" for ln in lines})


def _unpriced(lines: list[Line], _r: list[Ratio]) -> tuple[str, dict[str, object]]:
    n = sum(ln.unpriced for ln in lines)
    billed = sum((ln.billed for ln in lines), ZERO)
    models = _models(lines)
    return (
        f"{n} requests of {', '.join(models)} have no price; the invoice bills {usd(billed)} for "
        "them: add a [[pricing.rates]] entry",
        {"requests": n, "models": models, "billed_usd": money(billed)},
    )


def _unlogged(lines: list[Line], _r: list[Ratio]) -> tuple[str, dict[str, object]]:
    names = sorted({n for ln in lines for n in ln.billed_as} or {ln.model for ln in lines})
    return f"billed for {', '.join(names)}, which no logged request names", {"billed_as": names}


def _discount(lines: list[Line], ratios: list[Ratio]) -> tuple[str, dict[str, object]]:
    parts, facts = [], []
    for r in ratios:
        who = r.provider + (f"/{r.model}" if r.model else "")
        pct = ((1 - r.value) * 100).quantize(Decimal("0.01"))
        parts.append(
            f"{who} billed {r.value.quantize(Decimal('0.0001'))}x the estimate on {r.lines} lines ({pct}% off)"
        )
        facts.append(
            {"provider": r.provider, "model": r.model, "ratio": f"{r.value:f}", "percent": f"{pct:f}"}
        )
    return "; ".join(parts) + "; --suggest-rates prints the [pricing] entries", {"ratios": facts}


def _cache(lines: list[Line], _r: list[Ratio]) -> tuple[str, dict[str, object]]:
    by_type: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    untyped = [ln for ln in lines if ln.token_type is None]
    for ln in lines:
        if ln.token_type is not None:
            by_type[ln.token_type][0] += ln.billed
            by_type[ln.token_type][1] += ln.estimated
    parts = [f"{t}: billed {usd(b)}, estimated {usd(e)}" for t, (b, e) in sorted(by_type.items())]
    facts: dict[str, object] = {
        t: {"billed_usd": money(b), "estimated_usd": money(e)} for t, (b, e) in sorted(by_type.items())
    }
    if untyped:
        extra = sum((ln.explained[CACHE_TOKENS] for ln in untyped), ZERO)
        parts.append(
            f"{len(untyped)} model-days are billed {usd(extra)} more, what their logged "
            "5-minute cache writes would cost at the 1-hour rate"
        )
        facts["untyped_1h_usd"] = money(extra)
    hint = ""
    if untyped or (
        "cache_write_1h" in by_type and by_type["cache_write_1h"][0] > by_type["cache_write_1h"][1]
    ):
        hint = (
            " (the provider bills 1-hour cache writes the logs record as 5-minute: log cache_write_1h_tokens)"
        )
    return "; ".join(parts) + hint, {"by_token_type": facts}


def _failed(lines: list[Line], _r: list[Ratio]) -> tuple[str, dict[str, object]]:
    n = sum(ln.failed for ln in lines)
    est = sum((ln.failed_usd for ln in lines), ZERO)
    return (
        f"{n} failed or timed-out requests estimated at {usd(est)}; the invoice bills less for them",
        {"requests": n, "estimated_usd": money(est)},
    )


def _residual(lines: list[Line], _r: list[Ratio]) -> tuple[str, dict[str, object]]:
    worst = sorted(lines, key=lambda ln: -abs(ln.explained[RESIDUAL]))[:5]
    text = ", ".join(f"{ln.label} {usd(ln.explained[RESIDUAL])}" for ln in worst)
    return f"largest: {text}", {"largest": [ln.label for ln in worst]}


_DETAILS = {
    INGEST_GAP: _ingest_gap,
    NOT_BILLED: _not_billed,
    UNPRICED: _unpriced,
    UNLOGGED_MODEL: _unlogged,
    DISCOUNT: _discount,
    CACHE_TOKENS: _cache,
    FAILED_CALLS: _failed,
    RESIDUAL: _residual,
}
