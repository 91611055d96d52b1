"""Glue between ingest and pricing: the function that prices a staged batch (None until the
pricing subsystem is configured)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from llmcost.config import Config

if TYPE_CHECKING:
    import duckdb


def pricer_for(cfg: Config) -> Callable[[duckdb.DuckDBPyConnection, str], None] | None:
    return None
