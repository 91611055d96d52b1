"""Fixtures for the pricing tests: an isolated LLMCOST_HOME and a real warehouse file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from llmcost.pricing import Catalog, load_catalog
from llmcost.warehouse import Warehouse, open_warehouse
from tests.pricing.rows import stage


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    """The isolation itself is tests/conftest.py's; these tables are 250 columns wide."""
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "w.duckdb"


@pytest.fixture
def wh(db_path: Path) -> Iterator[Warehouse]:
    w = open_warehouse(db_path, write=True)
    try:
        yield w
    finally:
        w.close()


@pytest.fixture
def priced(wh: Warehouse) -> Callable[..., list[tuple[Any, ...]]]:
    """Price rows in a staging table; returns (request_id, cost_usd, price_ref) in input order."""

    def run(rows: list[dict[str, Any]], cat: Catalog) -> list[tuple[Any, ...]]:
        from llmcost.pricing import apply_prices

        name = stage(wh, rows)
        apply_prices(wh.con, name, cat)
        got = {
            r[0]: r for r in wh.con.execute(f"SELECT request_id, cost_usd, price_ref FROM {name}").fetchall()
        }
        return [got[row["request_id"]] for row in rows]

    return run
