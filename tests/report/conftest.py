"""Fixtures for the report tests: an isolated LLMCOST_HOME, and warehouses built from real logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.report.helpers import APP_LOG, build_warehouse


@pytest.fixture(scope="session")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture log (tests/report/data/app.jsonl) ingested once; tests only read it."""
    return build_warehouse(tmp_path_factory.mktemp("app") / "w.duckdb", APP_LOG)


@pytest.fixture(scope="session")
def priced_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same log, with costs re-derived from the price catalog (`llmcost reprice`)."""
    return build_warehouse(tmp_path_factory.mktemp("priced") / "w.duckdb", APP_LOG, reprice=True)
