"""What `generate` writes: deterministic bytes, valid time-ordered JSON lines, counts and exact totals
that match the manifest, and the field shapes the ingest's alias lists must cover."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from llmcost.synth import Manifest, generate
from llmcost.synth import catalog as cat
from tests.synth.conftest import tree_bytes
from tests.synth.reference import read_lines, records

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")
REQUEST_KEYS = [
    "ts", "level", "msg", "requestId", "traceId", "tenantId", "userId", "feature", "provider", "model",
    "operation", "inputTokens", "cachedInputTokens", "cacheWriteTokens", "outputTokens", "reasoningTokens",
    "latencyMs", "outcome", "error", "attempt", "cacheHit", "costUsd", "promptVersion", "job", "service", "env",
]  # fmt: skip
OPTIONAL = {"cacheWriteTokens", "reasoningTokens", "error", "attempt", "promptVersion", "job"}
EVENT_KEYS = [
    "ts",
    "level",
    "msg",
    "requestId",
    "traceId",
    "tenantId",
    "feature",
    "userId",
    "ticketId",
    "service",
    "env",
]
EVENTS = {"draft_accepted", "ticket_resolved", "search_answered"}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    kw = {"seed": 3, "requests": 2_000, "days": 9, "tenants": 15, "gzip": True, "files": 2}
    generate(tmp_path / "a", **kw)  # type: ignore[arg-type]
    generate(tmp_path / "b", **kw)  # type: ignore[arg-type]
    a, b = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert a == b
    assert set(a) == {"app.log.gz", "app.log.1.gz", ".manifest.json"}
    generate(tmp_path / "c", **{**kw, "seed": 4})  # type: ignore[arg-type]
    assert tree_bytes(tmp_path / "c")["app.log.gz"] != a["app.log.gz"]


def test_layout_does_not_change_content(tmp_path: Path) -> None:
    kw = {"seed": 2, "requests": 1_500, "days": 5, "tenants": 10}
    one = generate(tmp_path / "one", **kw)  # type: ignore[arg-type]
    rotated = generate(tmp_path / "rot", files=4, gzip=True, **kw)  # type: ignore[arg-type]
    daily = generate(tmp_path / "day", files="day", **kw)  # type: ignore[arg-type]
    assert [p.name for p in rotated.files] == ["app.log.3.gz", "app.log.2.gz", "app.log.1.gz", "app.log.gz"]
    assert [p.name for p in daily.files] == [f"app-2026-10-0{d}.jsonl" for d in range(1, 6)]
    body = b"".join(read_lines(one.files[0]))
    for m in (rotated, daily):
        assert b"".join(line for f in m.files for line in read_lines(f)) == body
        assert sum(f["lines"] for f in m.data["files"]) == one.counts["lines"]
    for f, info in zip(daily.files, daily.data["files"], strict=True):
        assert all(orjson.loads(x)["ts"].startswith(f.name[4:14]) for x in read_lines(f))
        assert info["lines"] == len(read_lines(f))
    with gzip.open(rotated.files[0]) as fh:
        assert fh.read(1) == b"{"


def test_lines_parse_and_are_time_ordered(small: Manifest) -> None:
    stamps = []
    for f in small.files:
        raw = f.read_bytes()
        assert raw.endswith(b"\n") and b"\r" not in raw
        for line in raw.splitlines():
            rec = orjson.loads(line)
            assert TS.match(rec["ts"]), rec["ts"]
            stamps.append(rec["ts"])
    assert stamps == sorted(stamps)
    w = small.data["window"]
    assert w["start"] <= stamps[0] and stamps[-1] < w["end"]


def test_counts_and_totals_match_manifest(small: Manifest) -> None:
    rows = records(small)
    by_msg = Counter(r["msg"] for r in rows)
    c = small.counts
    assert len(rows) == c["lines"] == c["llm_request"] + c["outcome_events"] + c["ignored"]
    assert by_msg["llm.request"] == c["llm_request"]
    assert {e: by_msg[e] for e in EVENTS} == c["outcome_by_event"]
    assert {m: n for m, n in by_msg.items() if m != "llm.request" and m not in EVENTS} == c["ignored_by_msg"]
    req = [r for r in rows if r["msg"] == "llm.request"]
    t = small.totals
    assert sum(Decimal(str(r["costUsd"])) for r in req) == Decimal(t["cost_usd"])
    assert sum(r["inputTokens"] for r in req) == t["input_tokens"]
    assert sum(r["cachedInputTokens"] for r in req) == t["cached_input_tokens"]
    assert sum(r.get("cacheWriteTokens", 0) for r in req) == t["cache_write_tokens"]
    assert sum(r["outputTokens"] for r in req) == t["output_tokens"]
    assert sum(r.get("reasoningTokens", 0) for r in req) == t["reasoning_tokens"]
    assert sum(r["cacheHit"] for r in req) == t["cache_hits"]
    unpriced = [r for r in req if not cat.MODELS[cat.idx(r["model"])].catalog]
    assert len(unpriced) == t["unpriced_requests"] and 0.005 < len(unpriced) / len(req) < 0.04
    assert sorted({r["model"] for r in unpriced}) == t["unpriced_models"]
    for tenant, agg in small.data["by_tenant"].items():
        assert sum(1 for r in req if r["tenantId"] == tenant) == agg["requests"]
    per_day = Counter(r["ts"][:10] for r in req)
    assert [d["requests"] for d in small.data["daily"]] == [per_day[k] for k in sorted(per_day)]


def test_request_line_shape(small: Manifest) -> None:
    req = [r for r in records(small) if r["msg"] == "llm.request"]
    assert len({r["requestId"] for r in req}) == len(req)
    outcomes: Counter[str] = Counter()
    ops: Counter[str] = Counter()
    for r in req:
        keys = list(r)
        assert keys == [k for k in REQUEST_KEYS if k in r], keys
        assert set(REQUEST_KEYS) - set(keys) <= OPTIONAL
        assert UUID4.match(r["requestId"]) and HEX32.match(r["traceId"])
        assert r["userId"].startswith(("u_", "svc_")) and r["tenantId"].startswith("tenant_")
        m = cat.MODELS[cat.idx(r["model"])]
        assert (r["provider"], r["operation"]) == (m.provider, m.operation)
        assert 0 <= r["cachedInputTokens"] + r.get("cacheWriteTokens", 0) <= r["inputTokens"]
        assert ("cacheWriteTokens" in r) <= (m.provider == "anthropic")
        assert ("reasoningTokens" in r) == m.reasoning
        assert 0 <= r.get("reasoningTokens", 0) <= r["outputTokens"]
        assert ("promptVersion" in r) == (m.operation == "chat")
        assert ("error" in r) == (r["outcome"] != "success")
        assert r["level"] == ("info" if r["outcome"] == "success" else "warn")
        if r["outcome"] in ("rate_limited", "error") or r["cacheHit"]:
            assert r["costUsd"] == 0
        if r["outcome"] in ("rate_limited", "error"):
            assert r["inputTokens"] == r["outputTokens"] == 0
        if r["outcome"] == "timeout" and m.operation == "chat":
            assert r["latencyMs"] >= 30_000 and r["inputTokens"] > 0
        if r["cacheHit"]:
            assert r["outcome"] == "success" and r["latencyMs"] < 30 and r["cachedInputTokens"] == 0
        if not r["cacheHit"]:
            assert _table_cost(r) == Decimal(str(r["costUsd"]))
        assert r["service"] == "api" and r["env"] == "prod"
        outcomes[r["outcome"]] += 1
        ops[r["operation"]] += 1
    failures = 1 - outcomes["success"] / len(req)
    assert 0.015 < failures < 0.08, outcomes
    assert set(ops) == {"chat", "embedding", "rerank"}


def _table_cost(r: dict[str, object]) -> Decimal:
    m = cat.MODELS[cat.idx(str(r["model"]))]
    billed = r["outcome"] in ("success", "timeout")
    inp, cached = int(r["inputTokens"]), int(r["cachedInputTokens"])  # type: ignore[call-overload]
    write, out = int(r.get("cacheWriteTokens", 0)), int(r["outputTokens"])  # type: ignore[call-overload]
    nano = (inp - cached - write) * m.input + cached * m.cached_input + write * m.cache_write + out * m.output
    nano += m.per_call
    return (Decimal((nano + 500) // 1000) / Decimal(1_000_000)) if billed else Decimal(0)


def test_outcome_events_join_their_requests(small: Manifest) -> None:
    rows = records(small)
    req = {r["requestId"]: r for r in rows if r["msg"] == "llm.request"}
    traces = {r["traceId"] for r in req.values()}
    orphans = trace_only = 0
    for e in (r for r in rows if r["msg"] in EVENTS):
        keys = list(e)
        assert keys == [k for k in EVENT_KEYS if k in e]
        if e["traceId"] not in traces:
            orphans += 1
            assert "requestId" in e and e["requestId"] not in req
            continue
        if "requestId" not in e:
            trace_only += 1
            assert e["msg"] == "ticket_resolved"
            continue
        call = req[e["requestId"]]
        assert call["traceId"] == e["traceId"] and call["outcome"] == "success"
        assert (call["tenantId"], call["feature"], call["userId"]) == (
            e["tenantId"],
            e["feature"],
            e["userId"],
        )
        assert e["ts"] > call["ts"]
        assert ("ticketId" in e) == (e["msg"] == "ticket_resolved")
    assert orphans == small.counts["orphan_outcomes"]
    assert trace_only == small.counts["trace_only_outcomes"] > 0


def test_traces_look_like_workflows(small: Manifest) -> None:
    req = [r for r in records(small) if r["msg"] == "llm.request"]
    by_trace: dict[str, list[dict[str, object]]] = {}
    for r in req:
        by_trace.setdefault(str(r["traceId"]), []).append(r)
    copilot = [c for c in by_trace.values() if c[0]["feature"] == "copilot"]
    assert copilot and all(c[0]["operation"] == "embedding" for c in copilot)
    sizes = Counter(sum(1 for x in c if x["operation"] == "chat") for c in copilot)
    assert sizes[1] > sizes[2] > sizes[3] > 0
    retried = [c for c in by_trace.values() if any(x.get("attempt") for x in c)]
    assert retried and all(len({x["tenantId"] for x in c}) == 1 for c in retried)
    features = Counter(c[0]["feature"] for c in by_trace.values())
    assert {"copilot", "ticket_summary", "classifier", "rag_search"} <= set(features)
    versions = {(r["feature"], r["promptVersion"]) for r in req if "promptVersion" in r}
    assert {("copilot", "v3"), ("copilot", "v4"), ("copilot", "v5")} <= versions


@pytest.mark.parametrize(
    "bad", [{"scenario": "year"}, {"files": 0}, {"anomalies": "spike,nope"}, {"days": 0}]
)
def test_bad_arguments(tmp_path: Path, bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, requests=100, **bad)  # type: ignore[arg-type]


def test_every_tenant_follows_the_diurnal_curve(small: Manifest) -> None:
    req = [r for r in records(small) if r["msg"] == "llm.request" and r["userId"].startswith("u_")]
    hours = Counter(int(r["ts"][11:13]) for r in req)
    acme = Counter(int(r["ts"][11:13]) for r in req if r["tenantId"] == "tenant_acme")
    assert hours[15] > 3 * hours[3]  # afternoon UTC (US + EU) against the night
    for h in (3, 9, 15, 21):
        assert acme[h] / sum(acme.values()) == pytest.approx(hours[h] / len(req), abs=0.02)
