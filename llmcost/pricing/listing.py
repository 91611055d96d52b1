"""Prices as a user browses them: `pricing list` and `pricing show`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from llmcost.pricing.model import DAY_US, Cell, PriceKey
from llmcost.pricing.rates import TOKEN_RATES, Price, catalog_bands, from_rate
from llmcost.window import midnight

if TYPE_CHECKING:
    from genai_prices.types import ModelInfo

    from llmcost.pricing.catalog import Catalog
    from llmcost.pricing.model import Resolved


@dataclass(frozen=True)
class Listed:
    source: str  # genai-prices | rate
    provider: str | None
    model: str
    price: Price | None  # None: priced in units a log does not carry (images, seconds, ...)
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "provider": self.provider, "model": self.model}
        out["notes"] = list(self.notes)
        if self.price is not None:
            out.update({f"{k}_mtok": getattr(self.price, k) for k in TOKEN_RATES})
            out["per_request_usd"] = self.price.per_request
            out["price_ref"] = self.price.ref
        return out


def list_prices(
    catalog: Catalog, *, provider: str | None = None, model: str | None = None, at: datetime | None = None
) -> list[Listed]:
    """The user's rates, then the catalog's prices in force at `at` (default: now)."""
    at = at or datetime.now(UTC)
    wanted = catalog.canonical_provider(provider) if provider else None
    out: list[Listed] = []
    for sourced in catalog.rates:
        r = sourced.rate
        if wanted and (r.provider is None or catalog.canonical_provider(r.provider) != wanted):
            continue
        if model and not (r.model_matches(model) or model.lower() in r.model.lower()):
            continue
        notes = [f"match={r.match}"] if r.match != "exact" else []
        if r.since or r.until:
            lo = r.since.date().isoformat() if r.since else "…"
            hi = r.until.date().isoformat() if r.until else "…"
            notes.append(f"in force {lo} to {hi}")
        if r.service_tier:
            notes.append(f"service_tier={r.service_tier}")
        origin = f'rate "{r.label}" ({sourced.origin})'
        out.append(
            Listed("rate", r.provider, r.model, from_rate(r, origin, catalog.info.stamp), tuple(notes))
        )
    for prov in catalog.providers():
        if wanted and prov.id != wanted:
            continue
        for info in prov.models:
            if model and not _model_wanted(info, model):
                continue
            bands = catalog_bands(
                info.get_prices(at),
                origin=f"{prov.id}/{info.id}",
                qualifiers=(),
                stamp=catalog.info.stamp,
                provider=prov.id,
            )
            notes = _notes(info, at)
            if not bands:
                out.append(Listed("genai-prices", prov.id, info.id, None, ("not priced per token", *notes)))
            for band in bands:
                out.append(
                    Listed("genai-prices", prov.id, info.id, band.price, (*band.price.qualifiers, *notes))
                )
    return out


def _model_wanted(info: ModelInfo, model: str) -> bool:
    needle = model.lower()
    return needle in info.id.lower() or needle in (info.name or "").lower() or info.is_match(model)


def _notes(info: ModelInfo, at: datetime) -> list[str]:
    from genai_prices.types import StartDateConstraint, TimeOfDateConstraint

    notes = []
    constraints = [c.constraint for c in info.prices] if isinstance(info.prices, list) else []
    if any(isinstance(c, TimeOfDateConstraint) for c in constraints):
        notes.append("time-of-day prices")
    upcoming = sorted(
        c.start_date
        for c in constraints
        if isinstance(c, StartDateConstraint) and midnight(c.start_date) > at
    )
    if upcoming:
        notes.append(f"changes {upcoming[0].isoformat()}")
    variants = sorted({f"{k}={v}" for var in info.price_variants or () for k, v in var.when.items()})
    if variants:
        notes.append("variants: " + ", ".join(variants))
    if info.deprecated:
        notes.append("deprecated")
    return notes


@dataclass(frozen=True)
class Shown:
    key: PriceKey
    day: date
    matched: str | None  # the catalog entry the name resolved to, e.g. "anthropic/claude-sonnet-4-0"
    cells: tuple[Cell, ...]  # the prices in force at some time of that UTC day
    provider_inferred: str | None = None  # how the provider was read from the name, if it was
    provider_basis: str | None = None  # which provider prices the name, and on what grounds

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.key[0],
            "model": self.key[1],
            "service_tier": self.key[2],
            "day": self.day.isoformat(),
            "catalog_match": self.matched,
            "provider_inferred": self.provider_inferred,
            "provider_basis": self.provider_basis,
            "prices": [
                {
                    "time_of_day_utc": f"{_hhmm(c.tod_from)}-{_hhmm(c.tod_until)}",
                    "input_tokens_above": c.above if c.above >= 0 else None,
                    "input_tokens_upto": c.upto if c.upto < 2**63 - 1 else None,
                    **{f"{k}_mtok": getattr(c.price, k) for k in TOKEN_RATES},
                    "per_request_usd": c.price.per_request,
                    "discount_percent": c.price.discount_percent,
                    "cache_write_1h_basis": c.price.write_1h_basis,
                    "price_ref": c.price.ref,
                }
                for c in self.cells
            ],
        }


def show_price(
    catalog: Catalog, model: str, *, provider: str | None = None, service_tier: str | None = None, day: date
) -> Shown:
    key: PriceKey = (provider, model, service_tier)
    found = catalog.resolve_name(model, provider)
    start = midnight(day)
    end = start + timedelta(days=1)
    cells = tuple(
        c
        for c in catalog.cells(key)
        if (c.valid_from is None or c.valid_from < end) and (c.valid_until is None or c.valid_until > start)
    )
    if found is None:
        return Shown(key, day, None, cells)
    return Shown(key, day, found.entry, cells, found.how, _basis(found, provider))


def _basis(found: Resolved, logged: str | None) -> str:
    host = found.provider.id
    if found.how is not None:
        return found.how
    if logged is None:
        return f"provider {host}: none logged, the catalog's match for the model name"
    if logged.strip().lower() == host:
        return f"provider {host}, as logged"
    return f"provider {host}, logged as {logged.strip()!r}"


def _hhmm(us: int) -> str:
    if us >= DAY_US:
        return "24:00"
    return f"{us // 3_600_000_000:02d}:{us // 60_000_000 % 60:02d}"
