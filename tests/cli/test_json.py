"""JSON as an interface: every data command's --format json parses and names its schema kind
(`"schema": "llmcost.<kind>/1"`, docs/json.md); --json is the same as --format json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import DAY, INVOICE, MONTH, ROOT
from tests.conftest import Cli

READERS = {
    "report": ["report", "--by", "tenant"],
    "unit": ["unit", "--event", "draft_accepted"],
    "compare": ["compare", "--by", "model", "--values", "gpt-4.1,gpt-4.1-mini", "--event", "draft_accepted"],
    "view.daily": ["view", "daily"],
    "view.top-tenants": ["view", "top-tenants", "--until", "2026-09-17"],
    "view.models": ["view", "models"],
    "view.io": ["view", "io"],
    "view.retrieval": ["view", "retrieval"],
    "view.failures": ["view", "failures"],
    "view.cache": ["view", "cache"],
    "alerts": ["alerts", "--at", DAY, "--fail-on", "never"],
    "budgets": ["budgets", "--month", MONTH],
    "status": ["status"],
    "status.rejects": ["status", "--rejects"],
    "pricing.check": ["pricing", "check"],
    "pricing.whatif": ["pricing", "whatif", "--model", "gpt-4o-mini"],
    "pricing.reprice": ["pricing", "reprice", "--dry-run"],
}
NO_WAREHOUSE = {
    "pricing.list": ["pricing", "list", "--provider", "anthropic"],
    "pricing.show": ["pricing", "show", "claude-sonnet-4"],
}


def _doc(out: str, kind: str) -> dict[str, object]:
    doc = json.loads(out)
    assert isinstance(doc, dict)
    assert doc["schema"] == f"llmcost.{kind}/1"
    return doc


@pytest.mark.parametrize("kind", list(READERS))
def test_reading_commands(kind: str, shared: Cli) -> None:
    code, out, err = shared(*READERS[kind], "--format", "json")
    assert code == 0, err
    _doc(out, kind)


@pytest.mark.parametrize("kind", list(NO_WAREHOUSE))
def test_catalog_commands(kind: str, shared: Cli) -> None:
    code, out, err = shared(*NO_WAREHOUSE[kind], "-f", "json", db=False)
    assert code == 0, err
    doc = _doc(out, kind)
    assert "catalog" in doc


def test_existing_fields_stay_beside_the_tag(shared: Cli) -> None:
    code, out, _ = shared("report", "-f", "json")
    assert code == 0
    doc = _doc(out, "report")
    assert doc["schema_version"] == 1 and doc["report"] == "spend"
    assert list(doc)[:3] == ["schema", "schema_version", "report"]
    _code, out, _ = shared("budgets", "--month", MONTH, "-f", "json")
    doc = _doc(out, "budgets")
    assert doc["schema_version"] == 1 and doc["report"] == "budgets"


def test_jsonl_summary_carries_the_tag(shared: Cli) -> None:
    code, out, _ = shared("view", "models", "-f", "jsonl")
    assert code == 0
    last = json.loads(out.splitlines()[-1])
    assert last["type"] == "summary" and last["schema"] == "llmcost.view.models/1"


@pytest.mark.parametrize(
    "argv",
    [
        ["status"],
        ["pricing", "check"],
        ["pricing", "reprice", "--dry-run"],
    ],
)
def test_json_flag_is_format_json(argv: list[str], shared: Cli) -> None:
    _, by_flag, _ = shared(*argv, "--json")
    _, by_format, _ = shared(*argv, "--format", "json")
    assert json.loads(by_flag) == json.loads(by_format)


def test_json_flag_and_another_format_disagree(shared: Cli) -> None:
    code, out, err = shared("status", "--json", "--format", "md")
    assert code == 2 and out == ""
    assert "--json and --format md disagree" in err


def test_writers(private: Cli, tmp_path: Path) -> None:
    code, out, err = private("ingest", str(ROOT / "fixtures" / "app" / "outcomes.jsonl"), "--format", "json")
    assert code == 0, err
    assert _doc(out, "ingest")["totals"]["residual"] == 0  # type: ignore[index]
    code, out, err = private("invoices", "import", str(INVOICE), "-f", "json")
    assert code == 0, err
    assert _doc(out, "invoices.import")["files"]
    code, out, err = private("reconcile", "--month", MONTH, "--threshold", "100%", "-f", "json")
    assert code == 0, err
    assert _doc(out, "reconcile")["month"] == MONTH
    code, out, err = private("pricing", "reprice", "-f", "json")
    assert code == 0, err
    _doc(out, "pricing.reprice")
    code, out, err = private("export", "parquet", str(tmp_path / "pq"), "-f", "json")
    assert code == 0, err
    _doc(out, "export.parquet")


def test_output_file_holds_the_same_document(shared: Cli, tmp_path: Path) -> None:
    target = tmp_path / "budgets.json"
    code, out, err = shared("budgets", "--month", MONTH, "-f", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert f"llmcost: wrote {target}" in err
    _, stdout_doc, _ = shared("budgets", "--month", MONTH, "-f", "json")
    assert json.loads(target.read_text("utf-8")) == json.loads(stdout_doc)
    assert target.stat().st_mode & 0o777 == 0o600
