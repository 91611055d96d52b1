"""kill -9 an ingest at random points, run it again: nothing lost, nothing counted twice.
(A short version for every run; the stress version is `-m slow`.)"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.ingest.lines import jsonl, outcome, request


def _write_inputs(root: Path, files: int, per_file: int) -> tuple[int, int]:
    import gzip

    n = 0
    for f in range(files):
        recs = [request(n + i, requestId=f"f{f}-{i}") for i in range(per_file)]
        recs += [outcome(i, eventId=f"e{f}-{i}", requestId=f"f{f}-{i}") for i in range(0, per_file, 10)]
        data = jsonl(recs)
        path = root / f"app-{f:02d}.log"
        if f % 3 == 2:
            path.with_suffix(".log.gz").write_bytes(gzip.compress(data, 1))
        else:
            path.write_bytes(data)
        n += per_file
    return n, files * len(range(0, per_file, 10))


def _ingest(root: Path, db: Path, cfg: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llmcost",
            "ingest",
            str(root),
            "--db",
            str(db),
            "--config",
            str(cfg),
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _segment_names(seg: Path) -> set[str]:
    return {p.name for p in seg.rglob("*")} if seg.exists() else set()


def _crash_and_recover(tmp_path: Path, files: int, per_file: int, kills: int, seed: int) -> None:
    root = tmp_path / "logs"
    root.mkdir()
    n_requests, n_outcomes = _write_inputs(root, files, per_file)
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text("[ingest]\nbatch_bytes = 262144\nmax_line_bytes = 65536\n")
    db = tmp_path / "w.duckdb"
    rng = random.Random(seed)
    seg = db.with_name(db.name + ".segments")
    for _ in range(kills):
        before = _segment_names(seg)
        proc = _ingest(root, db, cfg)
        # kill while loading, not during start-up (on a loaded machine start-up alone can take 2 s)
        deadline = time.monotonic() + 60
        while proc.poll() is None and not _segment_names(seg) - before and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
    proc = _ingest(root, db, cfg)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT request_id) FROM requests").fetchone() == (
            n_requests,
            n_requests,
        )
        assert con.execute("SELECT count(*) FROM outcomes").fetchone() == (n_outcomes,)
        # exact money: every request logged 0.0183
        assert con.execute("SELECT sum(logged_cost_usd)::VARCHAR FROM requests").fetchone() == (
            f"{n_requests * 183 // 10000}.{n_requests * 183 % 10000:04d}00000",
        )
        # the runs' own books agree with the rows, killed runs included
        row = con.execute(
            "SELECT sum(loaded_requests), sum(loaded_outcomes), sum(duplicate), "
            "sum(lines_read) - sum(loaded_requests + loaded_outcomes + duplicate + ignored + rejected) FROM ingests"
        ).fetchone()
        assert row == (n_requests, n_outcomes, 0, 0)
        # the kills did land mid-run (an interrupted run stays marked as such)
        interrupted = con.execute("SELECT count(*) FROM ingests WHERE status = 'running'").fetchone()
        assert interrupted is not None and interrupted[0] >= 1
    finally:
        con.close()


def test_kill_nine_during_ingest_loses_and_repeats_nothing(tmp_path: Path) -> None:
    _crash_and_recover(tmp_path, files=4, per_file=15000, kills=3, seed=1)


@pytest.mark.slow
def test_kill_nine_stress(tmp_path: Path) -> None:
    _crash_and_recover(tmp_path, files=12, per_file=40_000, kills=20, seed=2)
