"""Prices by date: the genai-prices catalog, the user's own rates, vectorised cost derivation.

The API ingest and reports use:

- `load_catalog(cfg)` once per run; `catalog.info.describe()` for report footers.
- `apply_prices(con, table, catalog, where_sql=..., params=...)` to set `cost_usd` and
  `price_ref` on a staged batch or the warehouse, returning a `PricingSummary`.
- `cost_sql(mode)` / `unpriced_sql(mode)` for the cost expression of a cost mode.

Nothing here imports genai-prices or DuckDB at import time (ingest imports this package).
The `[pricing]` settings themselves are configuration: `llmcost.config.pricing`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmcost.lazy import lazy_names
from llmcost.pricing.modes import cost_sql, unpriced_sql

if TYPE_CHECKING:
    from llmcost.config.pricing import CostMode, PricingConfig
    from llmcost.pricing.catalog import Catalog, load_catalog
    from llmcost.pricing.derive import CACHE_HIT_REF, PricingSummary, UnpricedModel, apply_prices
    from llmcost.pricing.model import CatalogInfo

# Loaded on first use (PEP 562), so a report that only needs `cost_sql` does not pay for the
# catalog's pydantic models and name matching (tests/test_gates.py holds the start-up budget).
_LAZY = {
    "CostMode": "llmcost.config.pricing",
    "PricingConfig": "llmcost.config.pricing",
    "Catalog": "llmcost.pricing.catalog",
    "load_catalog": "llmcost.pricing.catalog",
    "CACHE_HIT_REF": "llmcost.pricing.derive",
    "PricingSummary": "llmcost.pricing.derive",
    "UnpricedModel": "llmcost.pricing.derive",
    "apply_prices": "llmcost.pricing.derive",
    "CatalogInfo": "llmcost.pricing.model",
}


__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "CACHE_HIT_REF",
    "Catalog",
    "CatalogInfo",
    "CostMode",
    "PricingConfig",
    "PricingSummary",
    "UnpricedModel",
    "apply_prices",
    "cost_sql",
    "load_catalog",
    "unpriced_sql",
]
