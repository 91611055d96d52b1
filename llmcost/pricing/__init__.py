"""Prices by date: the genai-prices catalog, the user's own rates, vectorised cost derivation.

The API ingest and reports use:

- `load_catalog(cfg)` once per run; `catalog.info.describe()` for report footers.
- `apply_prices(con, table, catalog, where_sql=..., params=...)` to set `cost_usd` and
  `price_ref` on a staged batch or the warehouse, returning a `PricingSummary`.
- `cost_sql(mode)` / `unpriced_sql(mode)` for the cost expression of a cost mode.

Nothing here imports genai-prices or DuckDB at import time (ingest imports this package).
The `[pricing]` settings themselves are configuration: `llmcost.config.pricing`.
"""

from llmcost.config.pricing import CostMode, PricingConfig
from llmcost.pricing.catalog import Catalog, load_catalog
from llmcost.pricing.derive import (
    CACHE_HIT_REF,
    PricingSummary,
    UnpricedModel,
    apply_prices,
    cost_sql,
    unpriced_sql,
)
from llmcost.pricing.model import CatalogInfo

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
