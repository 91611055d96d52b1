"""Issue 16's cheap-validation fast path stages exactly what the full per-field path stages.

stage.sql types a line that passes one vectorised check with plain casts and skips the reason
CASE for it; every other line takes the full parsers. With the fast path switched off every line
takes the full way, so staging the same odd corpus both ways must give the same rows, column by
column (kind, reason, detail, every typed value).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from llmcost.config import Config
from llmcost.ingest.fields import FieldMap
from llmcost.ingest.load import EARLIEST
from llmcost.ingest.stage import Stager
from tests.ingest.lines import outcome, request
from tests.ingest.test_reject_golden import ODD_COUNTS, ODD_LATENCY, ODD_MONEY, ODD_TS, TOKEN_FIELDS, corpus

FIXTURES = Path(__file__).parents[2] / "fixtures"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _odd_lines() -> list[str]:
    """Every odd value in every field the check reads, on a request, an outcome and an ignored line."""
    out = []
    for field in TOKEN_FIELDS:
        for v in ODD_COUNTS:
            out.append(json.dumps(request(1, **{field: v})))
            out.append(json.dumps(outcome(2, **{field: v})))
            out.append(json.dumps({"ts": "2026-10-01T10:00:00Z", "msg": "cache.warm", field: v}))
    for v in ODD_TS:
        out.append(json.dumps(request(3, ts=v)))
        out.append(json.dumps(outcome(4, ts=v)))
        out.append(json.dumps({"ts": v, "msg": "http.get"}))
    for v in ODD_MONEY:
        out.append(json.dumps(request(5, costUsd=v)))
    for v in ODD_LATENCY:
        out.append(json.dumps(request(6, latencyMs=v)))
    for model in (None, "", " ", "m"):
        out.append(json.dumps(request(7, model=model)))
    out.append(json.dumps(request(8, inputTokens=None, outputTokens=None, outcome="timeout")))
    out.append(json.dumps(request(9, cachedInputTokens=4200, cacheWriteTokens=1)))
    out.append(json.dumps(request(10, cache_read_input_tokens=9000, cache_creation_input_tokens=5)))
    out.append(json.dumps(request(11, cacheWriteTokens=5, cache_write_1h_tokens=5)))
    out.append(json.dumps(request(12, reasoningTokens=380, candidatesTokenCount=1)))
    out.append(json.dumps(request(13, ts="2026-10-01T10:00:00.123456789Z")))
    out.append(json.dumps(request(14, ts="2026-10-01t10:00:00Z")))
    return out


def _table(lines: list[str]) -> pa.Table:
    n = len(lines)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode()) + 1)
    return pa.table(
        {
            "line_no": pa.array(range(1, n + 1), pa.int64()),
            "byte_offset": pa.array(offsets[:-1], pa.int64()),
            "line": pa.array([line + "\n" for line in lines], pa.large_string()),
            "bad": pa.nulls(n, pa.string()),
            "raw": pa.nulls(n, pa.string()),
        }
    )


def _staged(lines: list[str], *, fast: bool) -> list[tuple[Any, ...]]:
    cfg = Config()
    con = duckdb.connect()
    try:
        stager = Stager(
            con, FieldMap(cfg.ingest.aliases, cfg.ingest.containers), cfg.ingest, now=NOW, earliest=EARLIEST
        )
        stager.fast = fast
        stager.stage_here(_table(lines))
        return con.execute(
            "SELECT * EXCLUDE (attrs), CAST(attrs AS VARCHAR) FROM staged ORDER BY line_no"
        ).fetchall()
    finally:
        con.close()


def test_odd_values_stage_the_same_both_ways() -> None:
    lines = _odd_lines()
    fast = _staged(lines, fast=True)
    assert fast == _staged(lines, fast=False)
    assert len(fast) == len(lines)
    kinds = {r[2] for r in fast}
    assert kinds == {"request", "outcome", "ignored", "rejected"}


def test_hostile_corpus_stages_the_same_both_ways() -> None:
    lines = corpus().decode("utf-8", errors="replace").splitlines()
    assert _staged(lines, fast=True) == _staged(lines, fast=False)


def test_fixture_shapes_stage_the_same_both_ways() -> None:
    """Real producers' shapes: containers, nested usage, epochs, zones, LangChain and gateway rows."""
    lines = []
    for f in sorted(FIXTURES.glob("*/*.jsonl")) + sorted(FIXTURES.glob("producers/*/*.jsonl")):
        lines += [line for line in f.read_text(errors="replace").splitlines() if line.strip()][:200]
    assert len(lines) > 500
    assert _staged(lines, fast=True) == _staged(lines, fast=False)
