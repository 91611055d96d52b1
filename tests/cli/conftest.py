"""One warehouse of fixtures/app/ ingested per session; a test that writes gets its own copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "fixtures" / "app"
INVOICE = ROOT / "fixtures" / "invoices" / "focus_2026-09.csv"
DAY = "2026-09-15"
MONTH = "2026-09"


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from llmcost.cli import main

    db = tmp_path_factory.mktemp("cli-template") / "warehouse.duckdb"
    assert main(["ingest", str(APP), "--db", str(db), "--quiet"]) == 0
    return db


@pytest.fixture
def shared(template: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The session's warehouse, for commands that only read it."""
    return Cli(template, capsys)


@pytest.fixture
def private(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """A private copy of the warehouse, for commands that write (ingest, reprice, invoices)."""
    target = tmp_path / "wh" / "warehouse.duckdb"
    target.parent.mkdir()
    shutil.copy2(template, target)
    shutil.copytree(
        template.with_name(template.name + ".segments"), target.with_name(target.name + ".segments")
    )
    return Cli(target, capsys)
