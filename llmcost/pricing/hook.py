"""Glue between ingest and pricing: the function that prices each staged batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from llmcost.config import Config
from llmcost.pricing.catalog import load_catalog
from llmcost.pricing.derive import (
    CACHE_HIT_REF,
    PricingSummary,
    apply_prices,
    prepare_prices,
    priced_select,
    summarise,
)

if TYPE_CHECKING:
    import duckdb


class BatchPricer:
    """Prices every batch with one catalog loaded for the whole run; keeps the summaries."""

    def __init__(self, cfg: Config) -> None:
        self.catalog = load_catalog(cfg)
        self.summaries: list[PricingSummary] = []

    def __call__(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        self.summaries.append(apply_prices(con, table, self.catalog))

    # The fused ingest path (issue 16): price the rows inside the statement that writes them.
    def prepare(self, con: duckdb.DuckDBPyConnection, source_sql: str, params: dict[str, Any]) -> None:
        """Load the price cells of the keys in `source_sql`, before a `select` over its rows."""
        prepare_prices(con, source_sql, self.catalog, params)

    def select(self, rows_sql: str) -> tuple[str, dict[str, Any]]:
        """`rows_sql` priced in the same statement, and the parameter it adds."""
        return priced_select(rows_sql), {"cache_hit_ref": CACHE_HIT_REF}

    def summarise(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """Keep the summary of the priced rows (read back into `table`)."""
        self.summaries.append(summarise(con, table, self.catalog))

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
