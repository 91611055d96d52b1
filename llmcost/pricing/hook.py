"""Glue between ingest and pricing: the function that prices each staged batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from llmcost.config import Config
from llmcost.pricing.catalog import load_catalog
from llmcost.pricing.derive import PricingSummary, apply_prices

if TYPE_CHECKING:
    import duckdb


class BatchPricer:
    """Prices every batch with one catalog loaded for the whole run; keeps the summaries."""

    def __init__(self, cfg: Config) -> None:
        self.catalog = load_catalog(cfg)
        self.summaries: list[PricingSummary] = []

    def __call__(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        self.summaries.append(apply_prices(con, table, self.catalog))

    @property
    def unpriced(self) -> int:
        return sum(s.unpriced for s in self.summaries)

    def unpriced_models(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.summaries:
            for m in s.unpriced_models:
                key = f"{m.provider}/{m.model}" if m.provider else m.model
                out[key] = out.get(key, 0) + m.requests
        return out


def pricer_for(cfg: Config) -> Callable[[duckdb.DuckDBPyConnection, str], None] | None:
    return BatchPricer(cfg)
