"""One fixture folder per source (fixtures/<source>/), each with a hand-checked canonical table in
expected.json: every file read as its format, every record counted, every canonical column and
the derived cost as expected. And the same call, logged through each source, is one canonical row
with one cost."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import Cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FOLDERS = ["otlp", "cloudwatch", "datadog", "litellm", "helicone", "langfuse", "bedrock"]
COLUMNS = [
    "request_id",
    "ts",
    "trace_id",
    "tenant_id",
    "feature",
    "user_id",
    "provider",
    "model",
    "operation",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "outcome",
    "latency_ms",
    "logged_cost_usd",
    "cost_usd",
    "prompt_version",
]


def _rows(db: Path) -> dict[str, dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute(f"SELECT {', '.join(COLUMNS)} FROM requests")
        names = [d[0] for d in cur.description or []]
        return {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}
    finally:
        con.close()


def _comparable(col: str, value: Any) -> Any:
    if value is None:
        return None
    if col == "ts" and not isinstance(value, str):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if col in ("cost_usd", "logged_cost_usd"):
        return Decimal(value).normalize()
    if col == "latency_ms":
        return float(value)
    if col == "prompt_version":
        return str(value)
    return value


def _check(expected: dict[str, Any], got: dict[str, dict[str, Any]]) -> None:
    assert sorted(got) == sorted(r["request_id"] for r in expected["requests"])
    for want in expected["requests"]:
        row = got[want["request_id"]]
        for col, value in want.items():
            assert _comparable(col, row[col]) == _comparable(col, value), (want["request_id"], col, row[col])


def _data_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.name != "expected.json" and p.suffix not in (".py", ".md")
    )


@pytest.mark.parametrize("source", FOLDERS)
def test_fixture_folder_matches_its_hand_checked_table(source: str, cli: Cli) -> None:
    folder = FIXTURES / source
    expected = json.loads((folder / "expected.json").read_text())
    files = _data_files(folder)
    assert sorted(p.name for p in files) == sorted(expected["files"])
    for path in files:
        summary = cli.ingest(path)
        (f,) = summary["files"]
        want = expected["files"][path.name]
        assert {k: f[k] for k in want} == want, path.name
        assert f["error"] is None
    _check(expected, _rows(cli.db))


def _same_call_inputs(tmp: Path) -> dict[str, Path]:
    app = {
        "event": "llm.request",
        "ts": "2026-10-01T10:00:00Z",
        "request_id": "call-1",
        "tenant_id": "tenant_acme",
        "feature": "copilot",
        "user_id": "u_1",
        "provider": "anthropic",
        "model": "claude-sonnet-4",
        "input_tokens": 4200,
        "cached_input_tokens": 1200,
        "output_tokens": 380,
        "outcome": "success",
    }
    raw = {  # Anthropic's own usage object: input_tokens is the UNCACHED part
        **{k: v for k, v in app.items() if not k.endswith("_tokens")},
        "usage": {"input_tokens": 3000, "cache_read_input_tokens": 1200, "output_tokens": 380},
    }
    (tmp / "app.jsonl").write_text(json.dumps(app) + "\n")
    (tmp / "anthropic.jsonl").write_text(json.dumps(raw) + "\n")
    return {
        "app log": tmp / "app.jsonl",
        "anthropic usage": tmp / "anthropic.jsonl",
        "OpenTelemetry span": FIXTURES / "otlp/same_call.jsonl",
        "CloudWatch subscription": FIXTURES / "cloudwatch/subscription.jsonl",
        "Datadog page": FIXTURES / "datadog/logs_page.jsonl",
        "LiteLLM CSV": FIXTURES / "litellm/spendlogs.csv",
        "Langfuse": FIXTURES / "langfuse/observations.jsonl",
    }


def test_the_same_call_through_every_source_is_one_canonical_row_and_one_cost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = {}
    for label, path in _same_call_inputs(tmp_path).items():
        cli = Cli(tmp_path / label.replace(" ", "_") / "w.duckdb", capsys)
        cli.ingest(path)
        con = duckdb.connect(str(cli.db), read_only=True)
        try:
            rows = con.execute(
                "SELECT ts, tenant_id, feature, user_id, model, operation, input_tokens, cached_input_tokens, "
                "cache_write_tokens, output_tokens, reasoning_tokens, outcome, cost_usd, "
                "coalesce(provider, 'anthropic') FROM requests WHERE model LIKE 'claude-sonnet-4%'"
            ).fetchall()
        finally:
            con.close()
        assert len(rows) == 1, label
        seen[label] = rows[0]
    first = next(iter(seen.values()))
    assert first[12] == Decimal("0.015060000")
    assert {label: row for label, row in seen.items() if row != first} == {}
    assert len(seen) >= 3


def _load_make_otlp() -> Any:
    spec = importlib.util.spec_from_file_location("make_otlp", FIXTURES / "otlp" / "make_otlp.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_otlp"] = module
    spec.loader.exec_module(module)
    return module


def test_spans_written_by_the_opentelemetry_sdk_today_read_as_the_committed_fixtures(
    cli: Cli, tmp_path: Path
) -> None:
    """The fixtures are not hand-written: the real SDK (this install's version) makes them again,
    and what it writes reads to the same hand-checked rows."""
    pytest.importorskip("opentelemetry.sdk")
    pytest.importorskip("opentelemetry.exporter.otlp.json.file")
    out = tmp_path / "otlp"
    out.mkdir()
    _load_make_otlp().main(out)
    expected = json.loads((FIXTURES / "otlp" / "expected.json").read_text())
    for path in _data_files(out):
        cli.ingest(path)
    _check(expected, _rows(cli.db))
