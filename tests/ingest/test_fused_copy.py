"""The fused per-batch COPY (dedup.fused, issue 16): request rows go from the staged batch to their
priced segment file in one statement. The same log loaded through the old path (fresh TEMP table,
pricing UPDATE, COPY; taken when the pricer is a plain callable) gives the same warehouse: rows,
costs, price refs, keys, conflicts, counts and pricing summaries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmcost.config import Config, IngestConfig
from llmcost.ingest.discover import discover
from llmcost.ingest.load import Loader
from llmcost.pricing.hook import BatchPricer
from llmcost.warehouse import open_warehouse
from tests.ingest.lines import jsonl, outcome, request
from tests.ingest.readback import query

# 64 KiB batches of ~400-byte lines: about 160 lines a batch
SMALL = Config(ingest=IngestConfig(batch_bytes=65536, max_line_bytes=16384))


def _log() -> bytes:
    out: list[bytes] = []
    for i in range(1200):
        over: dict[str, Any] = {}
        if i % 5 == 1:
            over = {"provider": "openai", "model": "gpt-4.1-mini", "cachedInputTokens": 1000}
        if i % 11 == 2:
            over = {"provider": "acme", "model": "acme-llm-9"}  # no price
        if i % 13 == 3:
            over["cacheHit"] = True
        if i % 17 == 4:
            over["ts"] = "2026-10-01 10:00:00"  # no zone
        if i % 19 == 5:
            over["reasoningTokens"] = 999  # more than output: rejected
        out.append(jsonl([request(i, **over)]))
        if i % 97 == 7:
            out.append(jsonl([request(i)]))  # a plain repeat in the same batch
        if i % 89 == 8:
            out.append(jsonl([request(i - 8, outputTokens=1)]))  # a conflicting repeat, earlier batch
        if i % 150 == 9:
            out.append(jsonl([outcome(i)]))
        if i % 200 == 10:
            out.append(b"not json\n")
    return b"".join(out)


def _load(tmp_path: Path, name: str, *, fused: bool) -> tuple[Path, Any, BatchPricer]:
    log = tmp_path / "app.log"
    if not log.exists():
        log.write_bytes(_log())
    db = tmp_path / f"{name}.duckdb"
    batch = BatchPricer(SMALL)

    def plain(con: Any, table: str) -> None:  # not a FusedPricer: the old path
        batch(con, table)

    with open_warehouse(db, write=True) as wh:
        inputs, skipped = discover([str(log)])
        result = Loader(wh, SMALL, pricer=batch if fused else plain).run(inputs, skipped)
    return db, result, batch


def test_the_fused_copy_loads_what_the_old_path_loads(tmp_path: Path) -> None:
    old_db, old, old_pricer = _load(tmp_path, "old", fused=False)
    new_db, new, new_pricer = _load(tmp_path, "new", fused=True)
    t = new.totals
    assert t == old.totals
    assert t.loaded_requests > 1000 and t.rejected > 0 and t.conflicting > 0 and t.naive_ts > 0 and t.duplicate > t.conflicting
    rows = "SELECT * EXCLUDE (ingest_id) FROM requests ORDER BY request_id"
    assert query(new_db, rows) == query(old_db, rows)
    for sql in (
        "SELECT count(*), count(cost_usd), count(*) FILTER (price_ref LIKE 'app-cache-hit%') FROM requests",
        "SELECT key FROM request_keys ORDER BY key",
        "SELECT record_id, line_no, byte_offset FROM conflicts ORDER BY line_no",
        "SELECT kind, rows, min_ts, max_ts FROM segments ORDER BY segment_id",
        "SELECT price_ref FROM prices ORDER BY price_ref",
        "SELECT * EXCLUDE (ingest_id) FROM outcomes ORDER BY event_id",
    ):
        assert query(new_db, sql) == query(old_db, sql), sql
    priced, unpriced = query(new_db, "SELECT count(cost_usd), count(*) - count(cost_usd) FROM requests")[0]
    assert priced > 0 and unpriced > 0
    assert new_pricer.summaries == old_pricer.summaries
    assert new_pricer.unpriced_models() == old_pricer.unpriced_models()
    assert new_pricer.unpriced > 0


def test_a_batch_of_nothing_new_writes_no_segment(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(jsonl([request(i) for i in range(50)]))
    db = tmp_path / "w.duckdb"
    for _ in range(2):
        (tmp_path / "copy.log").write_bytes(log.read_bytes())  # same lines, another file
        with open_warehouse(db, write=True) as wh:
            inputs, skipped = discover([str(tmp_path / "copy.log"), str(log)])
            Loader(wh, SMALL, pricer=BatchPricer(SMALL)).run(inputs, skipped)
    assert query(db, "SELECT count(*), count(DISTINCT request_id) FROM requests") == [(50, 50)]
    assert query(db, "SELECT count(*) FROM segments") == [(1,)]
    files = list((tmp_path / "w.duckdb.segments" / "requests").glob("*"))
    assert len(files) == 1, files
