"""The price catalog of one run: genai-prices' bundled snapshot overlaid with the user's rates.

Only the offline snapshot shipped inside the genai-prices wheel is read; its online updater is
never started, so a run prices the same way on an air-gapped machine as on a laptop.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from llmcost.config import Config
from llmcost.config.pricing import PricingConfig, load_rates_file
from llmcost.pricing.model import CatalogInfo, Cell, PriceKey, Resolved, SourcedDiscount, SourcedRate
from llmcost.pricing.names import name_forms, provider_alias
from llmcost.pricing.resolve import resolve_key

if TYPE_CHECKING:
    from genai_prices.data_snapshot import DataSnapshot
    from genai_prices.types import ModelInfo, Provider


_SERIALS = itertools.count(1)


# Providers that make models (rather than resell them): preferred when a log names no provider.
MODEL_MAKERS = frozenset({"openai", "anthropic", "google", "mistral", "cohere", "deepseek", "x-ai", "meta"})


@dataclass
class Catalog:
    """Loaded once per run; resolutions are cached here so each ingest batch pays only for new keys."""

    snapshot: DataSnapshot
    info: CatalogInfo
    rates: tuple[SourcedRate, ...] = ()
    discounts: tuple[SourcedDiscount, ...] = ()
    # Never reused within a process (unlike id()): names this catalog's cells in a connection.
    serial: int = field(default_factory=lambda: next(_SERIALS), repr=False)
    _cells: dict[PriceKey, tuple[Cell, ...]] = field(default_factory=dict, repr=False)

    def find_model(self, model: str, provider: str | None) -> tuple[Provider, ModelInfo] | None:
        """The catalog entry `model` is priced with, or None (see `resolve_name`)."""
        found = self.resolve_name(model, provider)
        return (found.provider, found.model) if found else None

    def resolve_name(self, model: str, provider: str | None) -> Resolved | None:
        """The catalog entry `model` from `provider` (as logged) is priced with, and how.

        A logged provider is taken at its word when it lists the name. Otherwise the name's form
        decides (names.py: Bedrock ids, `vendor/model` router names, provider prefixes, Vertex
        ids), and the entry records how. With no provider and no telling form, genai-prices'
        own inference runs; when its patterns miss (e.g. `text-embedding-3-small`, listed under
        both azure and openai), the model's own maker is taken if it lists the model, else the
        only provider that does; otherwise it stays unpriced rather than guessed.
        """
        logged = self.canonical_provider(provider)
        if logged:
            try:
                return Resolved(*self.snapshot.find_provider_model(model, None, logged, None))
            except LookupError:
                pass
        forms = name_forms(model)
        for form in forms:
            host = self._provider(form.provider)
            if host is None:
                continue
            # A logged provider gives way only to an id that exists at one host alone (Bedrock,
            # Vertex) or to a prefix naming that provider: a `vendor/model` name from a logged
            # `vllm` or `openai` (an OpenAI-compatible server) is no proof of OpenRouter.
            if logged and not (form.unique or (host.id == logged and form.model != model)):
                continue
            found = host.find_model(form.model, all_providers=self.snapshot.providers)
            if found is not None:
                return Resolved(host, found, form, logged)
        if logged or any(f.unique for f in forms):
            # A Bedrock id that Bedrock's list lacks is not Vertex's to price.
            return None
        try:
            return Resolved(*self.snapshot.find_provider_model(model, None, None, None))
        except LookupError:
            pass
        hosts = [(p, m) for p in self.snapshot.providers if (m := p.find_model(model)) is not None]
        makers = [h for h in hosts if h[0].id in MODEL_MAKERS]
        if len(makers) == 1:
            return Resolved(*makers[0])
        return Resolved(*hosts[0]) if len(hosts) == 1 else None

    def canonical_provider(self, provider: str | None) -> str | None:
        """genai-prices' id for a provider name from a log ('Bedrock' -> 'aws'), else it lowered."""
        if not provider or not provider.strip():
            return None
        found = self._provider(provider)
        return found.id if found is not None else provider.strip().lower()

    def _provider(self, name: str) -> Provider | None:
        from genai_prices.data_snapshot import find_provider_by_id

        return find_provider_by_id(self.snapshot.providers, provider_alias(name) or name)

    def cells(self, key: PriceKey) -> tuple[Cell, ...]:
        cached = self._cells.get(key)
        if cached is None:
            cached = self._cells[key] = resolve_key(self, key)
        return cached

    def providers(self) -> list[Provider]:
        return list(self.snapshot.providers)


def load_catalog(cfg: Config | PricingConfig | None = None, *, base_dir: Path | None = None) -> Catalog:
    """The catalog for a run: genai-prices' offline snapshot plus the user's rates and discounts.

    Pass the whole `Config` so a relative `rates_file` resolves against the config file's folder;
    with a bare `PricingConfig`, give `base_dir` (default: the current directory).
    """
    if cfg is None:
        pricing = PricingConfig()
    elif isinstance(cfg, PricingConfig):
        pricing = cfg
    else:
        pricing = cfg.pricing
        if base_dir is None and cfg.source_path is not None:
            base_dir = cfg.source_path.parent
    inline = "llmcost.toml"
    if cfg is not None and not isinstance(cfg, PricingConfig) and cfg.source_path is not None:
        inline = cfg.source_path.name
    rates = [SourcedRate(r, inline) for r in pricing.rates]
    discounts = [SourcedDiscount(d, inline) for d in pricing.discounts]
    sources = [inline] if (pricing.rates or pricing.discounts) else []
    if pricing.rates_file is not None:
        path = pricing.rates_file.expanduser()
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        extra = load_rates_file(path)
        rates += [SourcedRate(r, path.name) for r in extra.rates]
        discounts += [SourcedDiscount(d, path.name) for d in extra.discounts]
        sources.append(path.name)
    snapshot, version, snap_date = _bundled()
    info = CatalogInfo(
        package="genai-prices",
        version=version,
        snapshot_date=snap_date,
        user_rates=len(rates),
        discounts=len(discounts),
        rates_source=", ".join(sources) or None,
    )
    return Catalog(snapshot=snapshot, info=info, rates=tuple(rates), discounts=tuple(discounts))


@functools.cache
def _bundled() -> tuple[DataSnapshot, str, date | None]:
    """genai-prices' bundled data as our own snapshot object (never the auto-updated one)."""
    from importlib.metadata import version

    from genai_prices.data import providers
    from genai_prices.data_snapshot import DataSnapshot

    snapshot = DataSnapshot(providers=providers, from_auto_update=False)
    return snapshot, version("genai-prices"), _snapshot_date(providers)


def _snapshot_date(providers: list[Provider]) -> date | None:
    """genai-prices publishes no snapshot date (its data is fixed per package version), so we
    date the snapshot by the newest effective date in it. That may be a scheduled change a
    little after the data was gathered; it still identifies the snapshot reproducibly."""
    from genai_prices.types import StartDateConstraint

    newest: date | None = None
    for provider in providers:
        for model in provider.models:
            constraints = [c.constraint for c in model.prices] if isinstance(model.prices, list) else []
            constraints += [v.constraint for v in model.price_variants or ()]
            for c in constraints:
                if isinstance(c, StartDateConstraint) and (newest is None or c.start_date > newest):
                    newest = c.start_date
    return newest
