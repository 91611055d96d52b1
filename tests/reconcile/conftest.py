"""One warehouse of fixtures/app/ ingested per session; each test gets its own copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "fixtures" / "app"
INVOICES = ROOT / "fixtures" / "invoices"


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from llmcost.cli import main

    db = tmp_path_factory.mktemp("reconcile-template") / "warehouse.duckdb"
    assert main(["ingest", str(APP), "--db", str(db), "--quiet"]) == 0
    return db


@pytest.fixture
def rcli(_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """A Cli over a private copy of the ingested fixture warehouse."""
    target = tmp_path / "wh" / "warehouse.duckdb"
    target.parent.mkdir()
    shutil.copy2(_template, target)
    shutil.copytree(
        _template.with_name(_template.name + ".segments"), target.with_name(target.name + ".segments")
    )
    return Cli(target, capsys)


@pytest.fixture(scope="session")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((INVOICES / ".expected.json").read_text())
    return data


def invoice(name: str) -> str:
    return str(INVOICES / name)


def explanations(out: str) -> dict[str, dict[str, Any]]:
    doc = json.loads(out)
    return {e["kind"]: e for e in doc["explanations"]}
