"""A golden of the hostile corpus's reject table: every reason and detail, line by line.

The corpus gathers test_hostile.py's bad lines (and a seeded spread of odd values in every
field the judge reads) into one file among good lines, so a change to how staging classifies
lines (issue 16's fused statement) must leave each reject's reason and detail exactly as it was.
Regenerate, after reading why it changed, with LLMCOST_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import duckdb

from tests.conftest import Cli
from tests.ingest.lines import outcome, request

GOLDEN = Path(__file__).parent / "golden" / "hostile_rejects.json"

ODD_COUNTS: list[Any] = [
    "4200",
    "4,200",
    4.2e3,
    4200.0,
    -5,
    "NaN",
    4.5,
    "4_200",
    "0x10",
    True,
    None,
    "",
    " 42",
    "1e3",
    "18446744073709551616",
    10**19,
    {"n": 1},
    [1],
    "12,34",
    "001",
    "9" * 25,
]
ODD_TS: list[Any] = [
    "2026-10-01T10:00:00Z",
    "2026-10-01 10:00:00",
    "2026-10-01T10:00:00+02:00",
    "2026-10-01T10:00:00,5Z",
    "1790000000",
    "1790000000000",
    1790000000123456,
    "yesterday",
    "",
    None,
    "2099-01-01T00:00:00Z",
    "1970-01-02T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "Thu, 01 Oct 2026 10:00:00 GMT",
    0,
    "2026-10-01 10:00:00 UTC",
]
ODD_MONEY: list[Any] = [
    "0.0183",
    0.0183,
    -1,
    "1e-3",
    "abc",
    "1_0",
    1e12,
    "0x1",
    None,
    "12345678901234567890.5",
]
ODD_LATENCY: list[Any] = [812, "812", 7.687, "7.687", -3, "fast", 1e16, "1.", ".5", None]
TOKEN_FIELDS = [
    "inputTokens",
    "outputTokens",
    "cachedInputTokens",
    "cacheWriteTokens",
    "reasoningTokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "candidatesTokenCount",
    "cache_write_1h_tokens",
]


def corpus() -> bytes:
    rnd = random.Random(16)
    out: list[bytes] = []

    def add(rec: dict[str, Any] | bytes | str) -> None:
        if isinstance(rec, dict):
            out.append(json.dumps(rec).encode())
        else:
            out.append(rec if isinstance(rec, bytes) else rec.encode())

    for i in range(1, 40):
        add(request(i))
    # test_hostile's bad lines
    add(b"\xef\xbb\xbf" + json.dumps(request(100)).encode())
    add(json.dumps(request(101)).encode()[:-2] + b'\xff"}')
    add(b'{"msg":"llm.request","model":"a\x00b"}')
    add(json.dumps(request(102)).replace('"tenant_4"', '"\\ud800"'))
    add(json.dumps(request(103))[:-1] + ', "inputTokens": 999999}')
    add('{"a":' * 300 + "1" + "}" * 300)
    add(json.dumps(request(104)).replace("4200", "NaN"))
    add("not json at all")
    add("")
    add("   ")
    add("[1, 2, 3]")
    add("{")
    add('{"resourceSpans": []}')
    add('{"_reject": "undecodable payload", "msg": "llm.request"}')
    for change in (
        {"ts": None},
        {"ts": "yesterday"},
        {"model": None},
        {"model": "  "},
        {"inputTokens": None, "outputTokens": None},
        {"inputTokens": None, "outputTokens": None, "outcome": "error"},
        {"cachedInputTokens": 5000},
        {"ts": "2099-01-01T00:00:00Z"},
        {"ts": "1970-01-02T00:00:00Z"},
        {"reasoningTokens": 9000},
        {"cache_write_1h_tokens": 10, "cacheWriteTokens": 5},
        {"latencyMs": "fast"},
        {"costUsd": "lots"},
    ):
        add(request(200 + len(out), **change))
    # envelopes and containers
    add({"line": json.dumps(request(300, inputTokens="x")), "stream": "stdout"})
    add({"message": "INFO " + json.dumps(request(301, ts="yesterday"))})
    add({"log": json.dumps(request(302))})
    add({"ts": "2026-10-01T10:00:00Z", "msg": "llm.request", "extra": {"model": "m", "inputTokens": "-1"}})
    add({"ts": "2026-10-01T10:00:00Z", "msg": "llm.request", "metadata": json.dumps({"model": "m"})})
    # outcomes, good and bad
    add(outcome(400))
    add(outcome(401, ts="nope"))
    add(outcome(402, ts=None))
    add(outcome(403, value="abc"))
    # duplicates and a conflicting repeat
    add(request(1))
    add(request(2, inputTokens=1))
    # a seeded spread of odd values
    for i in range(500, 800):
        rec = request(i)
        for _ in range(rnd.randint(1, 3)):
            what = rnd.random()
            if what < 0.45:
                rec[rnd.choice(TOKEN_FIELDS)] = rnd.choice(ODD_COUNTS)
            elif what < 0.7:
                rec["ts"] = rnd.choice(ODD_TS)
            elif what < 0.85:
                rec["costUsd"] = rnd.choice(ODD_MONEY)
            else:
                rec["latencyMs"] = rnd.choice(ODD_LATENCY)
        add(rec)
    return b"\n".join(out) + b"\n"


def _table(db: Path) -> dict[str, Any]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rejects = con.execute("SELECT line_no, reason, detail FROM rejects ORDER BY line_no").fetchall()
        conflicts = con.execute("SELECT line_no FROM conflicts ORDER BY line_no").fetchall()
        loaded = con.execute(
            "SELECT source_line, input_tokens, cached_input_tokens, output_tokens, latency_ms, "
            "CAST(logged_cost_usd AS VARCHAR), CAST(ts AS VARCHAR) FROM requests ORDER BY source_line"
        ).fetchall()
    finally:
        con.close()
    return {
        "rejects": [list(r) for r in rejects],
        "conflicts": [r[0] for r in conflicts],
        "requests": [list(r) for r in loaded],
    }


def test_hostile_corpus_rejects_match_the_golden(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "hostile.log"
    f.write_bytes(corpus())
    totals = cli.ingest(f)["totals"]
    got = {
        "totals": {
            k: totals[k]
            for k in ("read", "loaded_requests", "loaded_outcomes", "duplicate", "ignored", "rejected")
        },
        **_table(cli.db),
    }
    if os.environ.get("LLMCOST_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    want = json.loads(GOLDEN.read_text())
    assert got["totals"] == want["totals"]
    assert got["rejects"] == want["rejects"]
    assert got["conflicts"] == want["conflicts"]
    assert got["requests"] == want["requests"]


def _everything(db: Path) -> dict[str, Any]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * EXCLUDE (ingest_id, source_id) FROM {t} ORDER BY ALL").fetchall()
            for t in ("requests", "outcomes")
        } | {
            "rejects": con.execute(
                "SELECT line_no, reason, detail, raw FROM rejects ORDER BY line_no"
            ).fetchall()
        }
    finally:
        con.close()


def test_small_batches_load_what_one_batch_loads(cli: Cli, tmp_path: Path, capsys: Any) -> None:
    """Issue 16: a batch is staged with the previous batch's field plan while its lines fit it.
    Later batches bringing new keys (a cost field, an unknown key for attrs, a container, a key
    differing only in case, an envelope, the hostile corpus) are planned again: 64 KiB batches
    load exactly what one batch does."""
    plain = [json.dumps(request(i)) for i in range(1, 400)]
    later = [
        json.dumps(request(1000, costUsd="0.5", region="eu")),
        json.dumps(request(1001, extra={"tenant": "t9", "team": "x"})),
        json.dumps(request(1002) | {"Model": "gpt-4o"}),
        json.dumps({"message": "INFO " + json.dumps(request(1003)), "stream": "stdout"}),
        json.dumps(request(1004)),
    ]
    f = tmp_path / "shapes.log"
    body = "\n".join(plain)
    for i, line in enumerate(later):  # each new shape in a batch of its own plain lines
        body += "\n" + "\n".join(plain[i * 60 : i * 60 + 200]) + "\n" + line
    f.write_bytes((body + "\n").encode() + corpus() + ("\n".join(plain[:50]) + "\n").encode())
    one = Cli(tmp_path / "one" / "w.duckdb", capsys)
    one.ingest(f)
    cfg = tmp_path / "small.toml"
    cfg.write_text("[ingest]\nbatch_bytes = 65536\nmax_line_bytes = 16384\n")
    many = Cli(tmp_path / "many" / "w.duckdb", capsys)
    many.ingest(f, extra=("--config", str(cfg)))
    assert _everything(many.db) == _everything(one.db)
