"""Resolve one (provider, model, service tier) key into price cells, once per run.

A cell is a slab of (time range x UTC time-of-day window x input-token band) over which a single
price applies. The cells of a key come from cutting time at every date where something changes
(a catalog price's start date, a user rate's or discount's effective dates) and the day at every
time-of-day boundary (off-peak prices), then asking genai-prices which price is in force at one
instant inside each slab. Because every condition genai-prices evaluates is constant inside a
slab, that one answer holds for the whole slab, and SQL can price millions of requests with a
range join instead of a Python call per row.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from llmcost.pricing.model import DAY_US, Cell, PriceBook, PriceKey, Resolved, SourcedDiscount, SourcedRate
from llmcost.pricing.rates import NO_LIMIT, Band, catalog_bands, from_rate
from llmcost.window import midnight

if TYPE_CHECKING:
    from genai_prices.types import ModelInfo


def price_context(service_tier: str | None) -> dict[str, str] | None:
    """The genai-prices price context for a logged service tier.

    OpenAI and Google variants key on `service_tier` (flex, priority, ...); batch pricing keys
    on `processing`; Anthropic's fast mode on `speed`.
    """
    if not service_tier or not service_tier.strip():
        return None
    tier = service_tier.strip().lower()
    ctx = {"service_tier": tier}
    if tier == "batch":
        ctx["processing"] = "batch"
    elif tier == "fast":
        ctx["speed"] = "fast"
    return ctx


def resolve_key(cat: PriceBook, key: PriceKey) -> tuple[Cell, ...]:
    provider, model, tier = key
    found = cat.resolve_name(model, provider)
    priced_by = found.provider.id if found else cat.canonical_provider(provider)
    logged = cat.canonical_provider(provider)
    rates = [
        r
        for r in cat.rates
        if _provider_matches(cat, r.rate.provider, logged, priced_by)
        and r.rate.model_matches(model)
        and (r.rate.service_tier is None or (tier or "").strip().lower() == r.rate.service_tier.lower())
    ]
    if not found and not rates:
        return ()
    discounts = [
        d
        for d in cat.discounts
        if found is not None
        and cat.canonical_provider(d.discount.provider) in {logged, priced_by}
        and d.discount.model_matches(model)
    ]
    points: set[datetime] = set()
    tods: set[int] = {0, DAY_US}
    if found:
        dates, times = _catalog_boundaries(found.model)
        points |= dates
        tods |= times
    for dated in [r.rate for r in rates] + [d.discount for d in discounts]:
        points |= {p for p in (dated.since, dated.until) if p is not None}
    edges: list[datetime | None] = [None, *sorted(points), None]
    windows = sorted(tods)
    cells = []
    for lo, hi in itertools.pairwise(edges):
        for w0, w1 in itertools.pairwise(windows):
            at = _representative(lo, hi, w0, w1)
            if at is None:
                continue
            for band in _bands_at(cat, at, key, found, rates, discounts):
                cells.append(Cell(key, lo, hi, w0, w1, band.above, band.upto, band.price))
    return _merged(cells)


def _merged(cells: list[Cell]) -> tuple[Cell, ...]:
    """Join time-adjacent cells that carry the same price: fewer rows for the join to scan."""
    out: list[Cell] = []
    last: dict[tuple[int, int, int, int], int] = {}
    for cell in cells:
        slot = (cell.tod_from, cell.tod_until, cell.above, cell.upto)
        i = last.get(slot)
        if i is not None and out[i].price.ref == cell.price.ref and out[i].valid_until == cell.valid_from:
            out[i] = Cell(cell.key, out[i].valid_from, cell.valid_until, *slot, cell.price)
        else:
            last[slot] = len(out)
            out.append(cell)
    return tuple(out)


def _provider_matches(cat: PriceBook, wanted: str | None, logged: str | None, priced_by: str | None) -> bool:
    if wanted is None:
        return True
    if logged is None and priced_by is None:
        return True  # the request names no provider and the catalog knows none: the model decides
    return cat.canonical_provider(wanted) in {logged, priced_by}


def _bands_at(
    cat: PriceBook,
    at: datetime,
    key: PriceKey,
    found: Resolved | None,
    rates: list[SourcedRate],
    discounts: list[SourcedDiscount],
) -> list[Band]:
    active = [r for r in rates if r.rate.active(at)]
    if active:  # the user's rate wins; the last one listed wins among several
        chosen = active[-1]
        origin = f'rate "{chosen.rate.label}" ({chosen.origin})'
        return [Band(-1, NO_LIMIT, from_rate(chosen.rate, origin, cat.info.stamp))]
    if found is None:
        return []
    provider, model = found.provider, found.model
    ctx = price_context(key[2])
    # genai-prices ignores the context for a model borrowed from a fallback provider.
    own = any(model is m for m in provider.models)
    mp = model.get_prices(at, ctx if own else None)
    inferred = (found.form.note,) if found.form else ()
    bands = catalog_bands(
        mp,
        origin=found.entry,
        qualifiers=(*inferred, *_qualifiers(model, at, ctx if own else None)),
        stamp=cat.info.stamp,
        provider=provider.id,
    )
    off = [d for d in discounts if d.discount.active(at)]
    if off:
        d = off[-1].discount
        bands = [Band(b.above, b.upto, b.price.with_discount(d.percent, d.label)) for b in bands]
    return bands


def _qualifiers(model: ModelInfo, at: datetime, ctx: dict[str, str] | None) -> tuple[str, ...]:
    """Which of the model's conditional prices and variants apply at `at`, for price_ref."""
    from genai_prices.types import StartDateConstraint, TimeOfDateConstraint

    out: list[str] = []
    if isinstance(model.prices, list):
        for cp in reversed(model.prices):
            c = cp.constraint
            if c is None or c.active(at):
                if isinstance(c, StartDateConstraint):
                    out.append(f"from {c.start_date.isoformat()}")
                elif isinstance(c, TimeOfDateConstraint):
                    out.append(f"{_hhmm(c.start_time)}-{_hhmm(c.end_time)}Z")
                break
    if ctx:
        seen: set[str] = set()
        for variant in model.price_variants or ():
            if variant.constraint is not None and not variant.constraint.active(at):
                continue
            if all(ctx.get(k) == v for k, v in variant.when.items()):
                seen |= {f"{k}={v}" for k, v in variant.when.items()}
        out += sorted(seen)
    return tuple(out)


def _catalog_boundaries(model: ModelInfo) -> tuple[set[datetime], set[int]]:
    """Every instant and time of day at which genai-prices may switch this model's price."""
    from genai_prices.types import StartDateConstraint, TimeOfDateConstraint

    constraints = [c.constraint for c in model.prices] if isinstance(model.prices, list) else []
    constraints += [v.constraint for v in model.price_variants or ()]
    dates: set[datetime] = set()
    times: set[int] = set()
    for c in constraints:
        if isinstance(c, StartDateConstraint):
            # genai-prices compares the request's UTC date with start_date.
            dates.add(midnight(c.start_date))
        elif isinstance(c, TimeOfDateConstraint):
            times |= {_tod_us(c.start_time), _tod_us(c.end_time)}
    return dates, times


def _representative(lo: datetime | None, hi: datetime | None, w0: int, w1: int) -> datetime | None:
    """The first instant in [lo, hi) whose UTC time of day is in [w0, w1), or None."""
    if lo is None:
        day = hi.astimezone(UTC).date() - timedelta(days=2) if hi is not None else date(2000, 1, 1)
        return _at(day, w0)
    day = lo.astimezone(UTC).date()
    at = max(lo, _at(day, w0))
    if at >= _at(day, w1):
        at = _at(day + timedelta(days=1), w0)
    return at if hi is None or at < hi else None


def _at(day: date, us: int) -> datetime:
    return midnight(day) + timedelta(microseconds=us)


def _tod_us(t: time) -> int:
    """A constraint's time of day as microseconds after UTC midnight (naive means UTC)."""
    if t.tzinfo is not None:
        t = datetime.combine(date(2000, 1, 1), t).astimezone(UTC).time()
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _hhmm(t: time) -> str:
    us = _tod_us(t)
    return f"{us // 3_600_000_000:02d}:{us // 60_000_000 % 60:02d}"
