"""Staging one batch ahead (ingest/pipeline.py): many small batches staged on the staging thread
and committed in order by the loader, with the same buckets, line numbers and offsets as one
line at a time would give; the staging database and the thread do not outlive the run."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from llmcost.config import Config, IngestConfig
from llmcost.ingest.discover import discover
from llmcost.ingest.load import Loader
from llmcost.ingest.stage import Stager
from llmcost.warehouse import open_warehouse
from tests.ingest.lines import jsonl, outcome, request
from tests.ingest.readback import query

# 64 KiB batches of ~400-byte lines: about 160 lines a batch
SMALL = Config(ingest=IngestConfig(batch_bytes=65536, max_line_bytes=16384))


def _lines() -> tuple[bytes, dict[str, int]]:
    """2,000 requests with a repeat (same batch and a later one), outcomes, rejects, noise; and
    the line number each request id was first seen on."""
    out: list[bytes] = []
    first: dict[str, int] = {}
    for i in range(2000):
        if i % 250 == 17:
            out.append(b"not json\n")
        if i % 300 == 5:
            out.append(b'{"ts":"2026-10-01T10:00:00Z","msg":"http.request"}\n')
        if i % 400 == 9:
            out.append(jsonl([outcome(i)]))
        if i % 500 == 100:
            out.append(jsonl([request(i - 90)]))  # a repeat of an earlier line, batches back
        rec = request(i)
        out.append(jsonl([rec]))
        first.setdefault(rec["requestId"], len(out))
        if i % 700 == 3:
            out.append(jsonl([rec]))  # a repeat in the same batch
    return b"".join(out), first


def test_many_batches_staged_ahead_load_as_one_line_at_a_time(tmp_path: Path) -> None:
    data, first = _lines()
    log = tmp_path / "app.log"
    log.write_bytes(data)
    inputs, skipped = discover([str(log)])
    db = tmp_path / "w.duckdb"
    with open_warehouse(db, write=True) as wh:
        threads = wh.con.execute("SELECT current_setting('threads')").fetchone()
        result = Loader(wh, SMALL).run(inputs, skipped)
        # the run's staging database and thread count do not outlive it
        names = {r[0] for r in wh.con.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
        assert "llmcost_stage" not in names
        assert wh.con.execute("SELECT current_setting('threads')").fetchone() == threads
    assert not any(t.name == "llmcost-stage" for t in threading.enumerate())
    t = result.totals
    lines = data.count(b"\n")
    assert (t.read, t.loaded_requests, t.loaded_outcomes, t.rejected, t.ignored) == (lines, 2000, 5, 8, 7)
    assert t.duplicate == 4 + 3  # 4 repeats of earlier batches' lines, 3 in the same batch
    assert query(db, "SELECT count(*) >= 10 FROM segments") == [(True,)]
    # each request kept from the line it was first seen on, with that line's byte offset
    rows = query(db, "SELECT request_id, source_line, source_offset FROM requests")
    assert {r[0]: r[1] for r in rows} == first
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    assert all(off == starts[line - 1] for _, line, off in rows)
    rejects = query(db, "SELECT line_no, reason FROM rejects ORDER BY line_no")
    assert [n for n, _ in rejects] == [i + 1 for i, x in enumerate(data.splitlines()) if x == b"not json"]
    assert {why for _, why in rejects} == {"not a JSON object"}


def test_a_failure_while_staging_ahead_keeps_the_batches_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(jsonl([request(i) for i in range(1000)]))
    inputs, skipped = discover([str(log)])
    staged = 0
    real = Stager.stage_here

    def stage_here(self: Stager, table: object) -> None:
        nonlocal staged
        staged += 1
        if staged == 4:  # the disk goes away under the fourth batch
            raise OSError(5, "Input/output error")
        real(self, table)  # type: ignore[arg-type]

    monkeypatch.setattr(Stager, "stage_here", stage_here)
    db = tmp_path / "w.duckdb"
    with open_warehouse(db, write=True) as wh:
        result = Loader(wh, SMALL).run(inputs, skipped)
    assert result.files[0].error == "I/O error: Input/output error"
    assert not any(t.name == "llmcost-stage" for t in threading.enumerate())
    loaded = result.totals.loaded_requests
    assert 0 < loaded < 1000
    # what was committed is whole batches from the start of the file, and the resume point
    # follows them: a rerun loads the rest once
    assert query(db, "SELECT count(*), max(source_line) FROM requests") == [(loaded, loaded)]
    monkeypatch.setattr(Stager, "stage_here", real)
    with open_warehouse(db, write=True) as wh:
        again = Loader(wh, SMALL).run(*discover([str(log)]))
    assert again.totals.loaded_requests == 1000 - loaded
    assert again.totals.duplicate == 0
    assert query(db, "SELECT count(DISTINCT request_id) FROM requests") == [(1000,)]
