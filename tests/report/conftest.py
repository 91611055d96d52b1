"""Fixtures for the report tests: an isolated LLMCOST_HOME, and warehouses built from real logs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.report.helpers import APP_LOG, build_warehouse


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads or writes a real home: LLMCOST_HOME is the test's own directory, output is
    uncoloured and 100 columns wide (the golden files' width)."""
    from llmcost.cli import common

    monkeypatch.setenv("LLMCOST_HOME", str(tmp_path))
    for var in ("LLMCOST_DB", "LLMCOST_CONFIG", "FORCE_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(tmp_path)
    common.out_console.cache_clear()
    common.err_console.cache_clear()
    yield
    common.out_console.cache_clear()
    common.err_console.cache_clear()


@pytest.fixture(scope="session")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture log (tests/report/data/app.jsonl) ingested once; tests only read it."""
    return build_warehouse(tmp_path_factory.mktemp("app") / "w.duckdb", APP_LOG)


@pytest.fixture(scope="session")
def priced_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same log, with costs re-derived from the price catalog (`llmcost reprice`)."""
    return build_warehouse(tmp_path_factory.mktemp("priced") / "w.duckdb", APP_LOG, reprice=True)
