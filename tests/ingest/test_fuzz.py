"""Fuzzing the real ingest: hostile files on disk -> `llmcost ingest` -> a real DuckDB warehouse.

Generated files mix arbitrary bytes, JSON-ish lines, records with wrong types in known fields,
odd timestamps, huge numbers and shipper envelopes (tests/ingest/fuzz_lines.py). For every file:
- the command succeeds (a bad line is a reject, never an exception);
- every line is read and accounted for: read = lines in the file = loaded + duplicate + ignored
  + rejected, and the warehouse agrees (rows, rejects);
- every reject has a reason and the number of a line that exists, once;
- loaded rows have non-negative token counts, latency and cost;
- ingesting the same file again reads 0, and a copy of it under another name loads 0.

The default run (60 generated examples + the regressions found so far) takes ~30 CPU-seconds;
`-m slow` runs 2,000 examples of files up to 200 lines.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings

from llmcost.config import Config, IngestConfig
from llmcost.ingest.discover import discover
from llmcost.ingest.load import Loader
from llmcost.pricing.hook import pricer_for
from llmcost.report.ingest import summary_json
from llmcost.warehouse import writer
from tests.conftest import Cli
from tests.ingest.fuzz_lines import log_files
from tests.ingest.readback import query

SMALL_CAPS = "[ingest]\nbatch_bytes = 65536\nmax_line_bytes = 1024\n"

TOKEN_COLUMNS = [
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
    "latency_ms",
]


def _ingest(db: Path, path: Path, cfg: Config) -> dict[str, Any]:
    """What `llmcost ingest PATH --json` does, minus argument parsing (0.3 s a call, which the
    harness test below covers): discover, a writer lock, the Loader with the real pricer."""
    inputs, skipped = discover([str(path)])
    assert not skipped and len(inputs) == 1
    with writer(db, command="fuzz") as wh:
        result = Loader(wh, cfg, pricer=pricer_for(cfg)).run(inputs, skipped)
    return summary_json(result, db)


def _array_length(data: bytes) -> int | None:
    import orjson

    try:
        doc = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))  # as the reader parses it
    except orjson.JSONDecodeError:
        return None
    return len(doc) if isinstance(doc, list) else None


def check_ingest(data: bytes, small_caps: bool, capsys: pytest.CaptureFixture[str] | None = None) -> None:
    root = Path(tempfile.mkdtemp(prefix="llmcost-fuzz-"))
    try:
        log = root / "logs" / "app.log"
        log.parent.mkdir()
        log.write_bytes(data)
        cfg = Config(ingest=IngestConfig(batch_bytes=65536, max_line_bytes=1024)) if small_caps else Config()
        db = root / "wh" / "w.duckdb"
        if capsys is not None:  # through the command line
            config = root / "llmcost.toml"
            config.write_text(SMALL_CAPS if small_caps else "")
            s = Cli(db, capsys).ingest(log, extra=("--config", str(config)))
        else:
            s = _ingest(db, log, cfg)
        n_lines = data.count(b"\n")
        t = s["totals"]
        assert t["residual"] == 0
        if s["files"][0]["note"] and "JSON document" in s["files"][0]["note"]:
            # reported and not read: only a pretty-printed document may be taken for one
            first, second = [*data.lstrip(b"\xef\xbb\xbf").split(b"\n", 2), b""][:2]
            assert first.strip() in (b"{", b"[") and second.strip(), data[:200]
            assert not (second[:1] in (b"{", b"[") and second.strip() not in (b"{", b"[")), data[:200]
            assert t["read"] == 0
            return
        if s["files"][0]["format"] == "json-array" and _array_length(data) is not None:
            n_lines = _array_length(data)  # one JSON array document: one record per element
        assert t["read"] == n_lines, (t, n_lines)
        assert t["read"] == (
            t["loaded_requests"] + t["loaded_outcomes"] + t["duplicate"] + t["ignored"] + t["rejected"]
        )
        assert s["files"][0]["error"] is None and s["files"][0]["pending_bytes"] == 0

        rejects = query(db, "SELECT line_no, reason, raw_bytes FROM rejects")
        assert len(rejects) == t["rejected"]
        line_nos = [r[0] for r in rejects]
        assert len(set(line_nos)) == len(line_nos), "a line rejected twice"
        for line_no, reason, raw_bytes in rejects:
            assert 1 <= line_no <= n_lines
            assert reason and reason.strip()
            assert raw_bytes >= 0

        if t["loaded_requests"]:
            cols = ", ".join(f"min({c})" for c in TOKEN_COLUMNS)
            (mins,) = query(db, f"SELECT {cols}, min(cost_usd), min(logged_cost_usd), count(*) FROM requests")
            assert all(m is None or m >= 0 for m in mins[:-1]), dict(
                zip([*TOKEN_COLUMNS, "cost", "logged", "n"], mins, strict=True)
            )
            assert mins[-1] == t["loaded_requests"]
            (nulls,) = query(db, "SELECT count(*) FILTER (WHERE ts IS NULL OR model IS NULL) FROM requests")
            assert nulls[0] == 0
        n_out = query(db, "SELECT count(*) FROM outcomes")[0][0] if t["loaded_outcomes"] else 0
        assert n_out == t["loaded_outcomes"]

        again = _ingest(db, log, cfg)["totals"]
        assert again["read"] == 0 and again["loaded_requests"] + again["loaded_outcomes"] == 0

        copy = root / "logs" / "copy.log"
        shutil.copyfile(log, copy)
        third = _ingest(db, copy, cfg)["totals"]
        assert third["loaded_requests"] + third["loaded_outcomes"] == 0, third
        assert third["residual"] == 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(data=log_files(), small_caps=...)
# regressions found by this test (each also a named test in test_hostile.py)
@example(data=b"\xef\xbb\xbf{\n", small_caps=False)  # a lone '{' line is not a JSON document
@example(data=b'{"message": "x", "": {"a": 1}}\n{"\\u0000": 1}\n', small_caps=True)  # "" / NUL keys (atheris)
@example(data=b"\n" * 70_000 + b"{}\n" * 70_000, small_caps=False)  # more lines than a batch takes
def test_hostile_files_are_accounted_for(data: bytes, small_caps: bool) -> None:
    check_ingest(data, small_caps)


@pytest.mark.slow
@settings(FUZZ, max_examples=2000)
@given(data=log_files(max_lines=200), small_caps=...)
def test_hostile_files_are_accounted_for_long(data: bytes, small_caps: bool) -> None:
    check_ingest(data, small_caps)


def test_fuzz_check_sees_a_plain_file(capsys: pytest.CaptureFixture[str]) -> None:
    """The harness itself: a clean request and an outcome load; a junk line is a reject."""
    req = {"ts": "2026-10-01T10:00:00Z", "msg": "llm.request", "requestId": "r1", "model": "gpt-4o-mini",
           "inputTokens": 10, "outputTokens": 2}  # fmt: skip
    out = {"ts": "2026-10-01T10:00:01Z", "msg": "draft_accepted", "requestId": "r1"}
    check_ingest((json.dumps(req) + "\n" + json.dumps(out) + "\nnot json\n").encode(), False, capsys)
    check_ingest(b"\xef\xbb\xbf{\n" + b"x" * 2000 + b"\n", True, capsys)
