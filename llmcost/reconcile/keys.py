"""Matching an invoice's names with the logs' names: providers by genai-prices' provider ids
('Anthropic', 'anthropic' -> anthropic), models by the catalog entry genai-prices would price
them with (`gpt-4o-mini-2024-07-18` and `gpt-4o-mini` are both openai/gpt-4o-mini), and a model
the catalog does not know by its name without a trailing snapshot date."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmcost.pricing.catalog import Catalog

_DATED = re.compile(r"[-@_](\d{4}-\d{2}-\d{2}|\d{8})$")
UNKNOWN_PROVIDER = "(unknown)"


@dataclass(frozen=True)
class Key:
    provider: str
    model: str


def bare_model(model: str) -> str:
    """A model name without a trailing snapshot date: claude-x-20250514 -> claude-x."""
    return _DATED.sub("", model.strip().lower())


class KeyMaker:
    """Resolves (provider, model) names to the key lines are compared on; caches per name."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._cache: dict[tuple[str | None, str | None], Key] = {}
        self._provider_of_model: dict[str, str] = {}

    def learn_providers(self, pairs: list[tuple[str | None, str]]) -> None:
        """Logs without a provider borrow the one other lines of the same model name give."""
        seen: dict[str, Counter[str]] = {}
        for provider, model in pairs:
            if provider:
                seen.setdefault(bare_model(model), Counter())[self.provider(provider)] += 1
        self._provider_of_model = {m: c.most_common(1)[0][0] for m, c in seen.items()}

    def provider(self, name: str | None) -> str:
        return self.catalog.canonical_provider(name) or UNKNOWN_PROVIDER

    def key(self, provider: str | None, model: str | None) -> Key:
        cached = self._cache.get((provider, model))
        if cached is not None:
            return cached
        if not model:
            key = Key(self.provider(provider), "(no model)")
        else:
            found = self.catalog.find_model(model, provider)
            if found is None and provider:
                found = self.catalog.find_model(model, None)
                if found is not None and found[0].id != self.provider(provider):
                    found = None  # another provider's model of the same name
            if found is not None:
                key = Key(found[0].id, found[1].id)
            else:
                bare = bare_model(model)
                p = (
                    self.provider(provider)
                    if provider
                    else self._provider_of_model.get(bare, UNKNOWN_PROVIDER)
                )
                key = Key(p, bare)
        self._cache[(provider, model)] = key
        return key
