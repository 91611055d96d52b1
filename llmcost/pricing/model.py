"""The shared vocabulary of pricing: what a catalog entry resolves to, a price cell, and what
resolving a key needs from the catalog (`PriceBook`), so catalog.py and resolve.py need not import
each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from llmcost.config.pricing import Discount, Rate
from llmcost.pricing.rates import Price

if TYPE_CHECKING:
    from genai_prices.types import ModelInfo, Provider

    from llmcost.pricing.names import NameForm

# (provider as logged, model as logged, service_tier as logged)
PriceKey = tuple[str | None, str, str | None]

DAY_US = 86_400_000_000


@dataclass(frozen=True)
class Cell:
    key: PriceKey
    valid_from: datetime | None  # None: since ever
    valid_until: datetime | None  # None: for ever (exclusive)
    tod_from: int  # microseconds since UTC midnight, inclusive
    tod_until: int  # exclusive
    above: int  # total input tokens strictly above...
    upto: int  # ...and at most
    price: Price


@dataclass(frozen=True)
class CatalogInfo:
    """What a report footer says about the prices it used."""

    package: str
    version: str
    snapshot_date: date | None
    user_rates: int
    discounts: int
    rates_source: str | None

    @property
    def stamp(self) -> str:
        """Names the catalog in every price_ref: package version and snapshot date."""
        snap = self.snapshot_date.isoformat() if self.snapshot_date else "undated"
        return f"{self.package} {self.version} @{snap}"

    def describe(self) -> str:
        extra = []
        if self.user_rates:
            extra.append(f"{self.user_rates} user rate{'s' if self.user_rates != 1 else ''}")
        if self.discounts:
            extra.append(f"{self.discounts} discount{'s' if self.discounts != 1 else ''}")
        text = f"prices: {self.stamp}"
        if extra:
            text += " + " + " and ".join(extra) + (f" from {self.rates_source}" if self.rates_source else "")
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "version": self.version,
            "snapshot_date": self.snapshot_date.isoformat() if self.snapshot_date else None,
            "user_rates": self.user_rates,
            "discounts": self.discounts,
            "rates_source": self.rates_source,
        }


@dataclass(frozen=True)
class Resolved:
    """The catalog entry a (provider, model) pair from a log is priced with."""

    provider: Provider
    model: ModelInfo
    form: NameForm | None = None  # set when the model name's form chose the provider
    logged: str | None = None  # the provider the log named (genai-prices' id), when it did not list the name

    @property
    def entry(self) -> str:
        return f"{self.provider.id}/{self.model.id}"

    @property
    def how(self) -> str | None:
        """How the provider was chosen, when the log did not name it outright."""
        return self.form.explain(self.logged) if self.form else None


@dataclass(frozen=True)
class SourcedRate:
    rate: Rate
    origin: str  # file name the rate came from, for price_ref


@dataclass(frozen=True)
class SourcedDiscount:
    discount: Discount
    origin: str


class PriceBook(Protocol):
    """What resolving a key into cells asks of the catalog (`Catalog` is the one implementation)."""

    @property
    def info(self) -> CatalogInfo: ...

    @property
    def rates(self) -> tuple[SourcedRate, ...]: ...

    @property
    def discounts(self) -> tuple[SourcedDiscount, ...]: ...

    def resolve_name(self, model: str, provider: str | None) -> Resolved | None: ...

    def canonical_provider(self, provider: str | None) -> str | None: ...
