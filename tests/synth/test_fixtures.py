"""fixtures/app/: the committed files are what make_fixtures.py writes, and .expected.json (which the
ingest tests assert against) holds exactly what an independent reading of each file finds."""

from __future__ import annotations

import gzip
import importlib.util
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

ROOT = Path(__file__).resolve().parents[2] / "fixtures"
APP = ROOT / "app"
EVENTS = {"draft_accepted", "ticket_resolved", "search_answered"}
EXPECTED: dict[str, Any] = orjson.loads((APP / ".expected.json").read_bytes())


def _lines(path: Path) -> list[bytes]:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return data.splitlines()


def _event_name(rec: dict[str, Any]) -> str:
    return str(rec.get("msg") or rec.get("message") or rec.get("event"))


def _canonical(rec: dict[str, Any]) -> dict[str, Any]:
    """Token semantics of DESIGN.md (input includes cache reads and writes) from any fixture shape."""
    flat = {**rec, **rec.get("extra", {})}
    u = flat.get("usage")
    if u is None:
        get = lambda *keys: next((flat[k] for k in keys if k in flat), 0)  # noqa: E731
        return {
            "input_tokens": get("inputTokens", "input_tokens"),
            "cached_input_tokens": get("cachedInputTokens", "cached_input_tokens"),
            "cache_write_tokens": get("cacheWriteTokens", "cache_write_tokens"),
            "output_tokens": get("outputTokens", "output_tokens"),
            "reasoning_tokens": get("reasoningTokens", "reasoning_tokens"),
            "cost": flat.get("costUsd", flat.get("cost_usd")),
        }
    if "cache_read_input_tokens" in u:  # Anthropic: input_tokens is the uncached part
        read, write = u["cache_read_input_tokens"], u["cache_creation_input_tokens"]
        return {"input_tokens": u["input_tokens"] + read + write, "cached_input_tokens": read,
                "cache_write_tokens": write, "output_tokens": u["output_tokens"], "reasoning_tokens": 0,
                "cost": flat["cost_usd"]}  # fmt: skip
    return {
        "input_tokens": u.get("prompt_tokens", u.get("input_tokens", 0)),
        "cached_input_tokens": u.get("prompt_tokens_details", {}).get("cached_tokens", 0),
        "cache_write_tokens": 0,
        "output_tokens": u.get("completion_tokens", u.get("output_tokens", 0)),
        "reasoning_tokens": u.get("completion_tokens_details", {}).get("reasoning_tokens", 0),
        "cost": flat["cost_usd"],
    }


@pytest.mark.parametrize("name", sorted(EXPECTED["files"]))
def test_expected_counts(name: str) -> None:
    want = EXPECTED["files"][name]
    recs = [orjson.loads(line) for line in _lines(APP / name)]
    kinds = ["request" if _event_name(r) == "llm.request" else "outcome" if _event_name(r) in EVENTS else "ignored"
             for r in recs]  # fmt: skip
    got = {"lines": len(recs), "requests": kinds.count("request"), "outcomes": kinds.count("outcome"),
           "ignored": kinds.count("ignored")}  # fmt: skip
    assert got == {k: want[k] for k in got}
    assert want["rejected"] == want["duplicates"] == 0
    assert len(set(_lines(APP / name))) == len(recs)
    assert 0 < want["ignored"] <= 15
    requests = [_canonical(r) for r, k in zip(recs, kinds, strict=True) if k == "request"]
    if requests:
        totals = want["request_totals"]
        for key in (
            "input_tokens",
            "cached_input_tokens",
            "cache_write_tokens",
            "output_tokens",
            "reasoning_tokens",
        ):
            assert sum(r[key] for r in requests) == totals[key], key
        costs = [r["cost"] for r in requests]
        logged = None if costs[0] is None else str(sum(Decimal(str(c)) for c in costs))
        assert (logged and Decimal(logged)) == (
            totals["logged_cost_usd"] and Decimal(totals["logged_cost_usd"])
        )


def test_totals_and_disjoint_files() -> None:
    files = EXPECTED["files"]
    assert EXPECTED["totals"] == {
        k: sum(f[k] for f in files.values()) for k in ("lines", "requests", "outcomes", "ignored")
    }
    ids: list[str] = []
    traces: set[str] = set()
    for name in files:
        for line in _lines(APP / name):
            rec = orjson.loads(line)
            if _event_name(rec) == "llm.request":
                flat = {**rec, **rec.get("extra", {})}
                rid = flat.get("requestId") or flat.get("request_id")
                if rid:
                    ids.append(rid)
                traces.add(flat.get("traceId") or flat["trace_id"])
    assert (
        len(ids)
        == len(set(ids))
        == EXPECTED["totals"]["requests"] - files["python_json_logger.jsonl"]["requests"]
    )
    events = [orjson.loads(x) for x in _lines(APP / "outcomes.jsonl")]
    joined = [e for e in events if e["msg"] in EVENTS and e["traceId"] in traces]
    assert (
        len(joined)
        == files["outcomes.jsonl"]["outcomes"] - files["outcomes.jsonl"]["outcome_totals"]["orphans"]
    )
    assert all(e["requestId"] in set(ids) for e in joined if "requestId" in e)


def test_python_json_logger_shape() -> None:
    rec = orjson.loads(_lines(APP / "python_json_logger.jsonl")[1])
    assert list(rec)[:4] == ["asctime", "levelname", "name", "message"]
    assert len(rec["asctime"]) == 23 and rec["asctime"][19] == ","


def test_committed_fixtures_match_the_script(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(tmp_path / "app", tmp_path / "README.md")
    assert (tmp_path / "README.md").read_text() == (ROOT / "README.md").read_text()
    for path in sorted(APP.iterdir()):
        assert _lines(tmp_path / "app" / path.name) == _lines(path), path.name
