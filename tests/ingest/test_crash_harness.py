"""kill -9 at random moments and at named crash points (llmcost/faults.py), then re-run: nothing
lost, nothing counted twice, exact money, and the warehouse reopens after every kill.

The CI version uses a small generated input; the full one (`-m slow`) ≥ 1M lines over 12 files."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.ingest.crash_harness import KILLED, Corpus, Harness, make_corpus, summary_line

# Targeted points, with the hit at which to die: late enough that earlier batches are committed.
INGEST_POINTS = ["ingest.staging:3", "segment.before_rename:3", "commit.before:3", "commit.after:3"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    # ~16k lines, 4 files (one gzip), ~7 MB: ~27 batches of 256 KiB
    return make_corpus(tmp_path_factory.mktemp("crash") / "logs", requests=12_000, files=4)


def test_random_kills_then_recovery(tmp_path: Path, corpus: Corpus) -> None:
    h = Harness(tmp_path, corpus, batch_bytes=256 << 10)
    landed = h.kill_at_random(3, random.Random(3), hi=1.0)
    assert landed == 3, [k.__dict__ for k in h.kills]
    h.run_to_completion()
    assert h.check_final()["statuses"].get("running", 0) == 3


@pytest.mark.parametrize("point", INGEST_POINTS)
def test_kill_at_a_named_point_then_recovery(tmp_path: Path, corpus: Corpus, point: str) -> None:
    h = Harness(tmp_path, corpus, batch_bytes=256 << 10)
    h.crash_at(point)
    rows = h.kills[-1].rows_after
    known, on_disk = h.segment_files()
    name = point.partition(":")[0]
    if name == "segment.before_rename":
        # the fsynced temp file is there, unregistered, under a hidden name
        assert any(f.endswith(".parquet.tmp") for f in on_disk - known)
    elif name == "commit.before":
        # the segment was renamed into place and registered in the open transaction: the
        # transaction died with the process, so the file is an orphan and its rows are not counted
        assert any(f.endswith(".parquet") for f in on_disk - known)
    elif name == "commit.after":
        assert on_disk == known and rows > 0
    assert rows < corpus.requests  # the kill came before the end
    h.run_to_completion()
    h.check_final(rerun=False)


@pytest.mark.slow
def test_kill_at_every_point_in_one_warehouse(tmp_path: Path, corpus: Corpus) -> None:
    """The points one after another in the same warehouse (each recovery is itself killed)."""
    h = Harness(tmp_path, corpus, batch_bytes=256 << 10)
    for point in ["commit.before:2", "commit.after:2", "segment.before_rename:2", "ingest.staging:2"]:
        h.crash_at(point)
    rows = [k.rows_after for k in h.kills]
    assert rows == sorted(rows) and rows[-1] < corpus.requests
    h.run_to_completion()
    h.check_final()


# -- watch: the same harness, the loop killed while it runs ----------------------------------

WATCH_POINTS = ["commit.before:3", "commit.after:3", "watch.before_record:1", "watch.recorded:1"]


def test_watch_random_kills_then_recovery(tmp_path: Path, corpus: Corpus) -> None:
    h = Harness(tmp_path, corpus, batch_bytes=256 << 10, command="watch")
    h.kill_at_random(3, random.Random(5), hi=1.0)
    h.run_to_completion()
    facts = h.check_final()
    assert facts["statuses"].get("running", 0) >= 1  # at least one kill landed inside a pass


@pytest.mark.parametrize("point", WATCH_POINTS)
def test_watch_kill_at_a_named_point_then_recovery(tmp_path: Path, corpus: Corpus, point: str) -> None:
    """Killed mid-batch, right after a commit, before its check is recorded, and after: the next
    watch loads the rest once, checks what the killed one loaded, and records no alert twice."""
    h = Harness(tmp_path, corpus, batch_bytes=256 << 10, command="watch")
    h.crash_at(point)
    if point.startswith("watch."):
        con = h.connect()
        try:
            checked = con.execute("SELECT count(*) FROM watch_checked").fetchone()
        finally:
            con.close()
        # before_record: the pass loaded every line, its check died with it; recorded: it is in
        assert checked == ((0,) if point.startswith("watch.before_record") else (1,))
    h.run_to_completion()
    h.check_final()


# -- export parquet -------------------------------------------------------------------------


def _export(db: Path, out: Path, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "LLMCOST_CRASH_AT"}
    if crash_at:
        env["LLMCOST_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "llmcost", "export", "parquet", str(out), "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def _exported(out: Path) -> tuple[int, Decimal, int]:
    """(requests, their cost, outcomes) read back from the visible (non-hidden) files; every
    visible file must be a whole Parquet file."""
    visible = [p for p in out.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.parts)]
    for p in visible:
        assert p.suffix == ".parquet", p
        duckdb.sql(f"SELECT count(*) FROM read_parquet('{p}')").fetchall()  # whole, readable
    con = duckdb.connect()
    req = con.execute(
        f"SELECT count(*), sum(logged_cost_usd) FROM read_parquet('{out}/requests/*/*.parquet', hive_partitioning = true)"
    ).fetchone()
    out_ = con.execute(
        f"SELECT count(*) FROM read_parquet('{out}/outcomes/*/*.parquet', hive_partitioning = true)"
    ).fetchone()
    assert req is not None and out_ is not None
    return int(req[0]), req[1], int(out_[0])


def _hidden(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]


def test_export_killed_before_its_rename_leaves_nothing_visible(tmp_path: Path, corpus: Corpus) -> None:
    h = Harness(tmp_path, corpus)
    h.run_to_completion()
    out = tmp_path / "exports" / "lake"
    r = _export(h.db, out, "export.before_rename")
    assert r.returncode == KILLED, r.stderr
    assert not out.exists()  # a fresh export appears whole or not at all
    assert len(_hidden(out.parent)) == 1  # the staging directory the kill left behind
    r = _export(h.db, out)
    assert r.returncode == 0, r.stderr
    assert _exported(out) == (corpus.requests, corpus.cost, corpus.outcomes)
    # the re-run cleared the dead export's staging directory too
    assert _hidden(out.parent) == []


def test_export_killed_mid_rename_into_an_existing_directory(tmp_path: Path, corpus: Corpus) -> None:
    """Re-exporting over an older export: a kill between two days' renames leaves each day whole
    (old or new); the re-run makes all of it new and exact."""
    # the older export: half the files ingested
    half = tmp_path / "half"
    half.mkdir()
    files = sorted(p for p in corpus.root.iterdir() if not p.name.startswith("."))
    for p in files[:2]:
        shutil.copy(p, half / p.name)
    h = Harness(tmp_path, Corpus(half, corpus.manifest, 0))
    h.run_to_completion()
    out = tmp_path / "lake"
    assert _export(h.db, out).returncode == 0
    old = _exported(out)
    # then everything
    h2 = Harness(tmp_path, corpus)  # same warehouse path, all four files
    h2.run_to_completion()
    r = _export(h.db, out, "export.mid_rename:2")
    assert r.returncode == KILLED, r.stderr
    mixed = _exported(out)  # every visible file whole
    assert old[0] < mixed[0] < corpus.requests
    r = _export(h.db, out)
    assert r.returncode == 0, r.stderr
    assert _exported(out) == (corpus.requests, corpus.cost, corpus.outcomes)
    assert _hidden(out) == []


# -- the full harness -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_crash_harness_full(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """≥ 1M lines over 12 files (4 gzip), ≥ 20 random kills plus every named point, then recovery."""
    t0 = time.monotonic()
    corpus = make_corpus(tmp_path / "logs", requests=800_000, files=12, seed=5)
    assert corpus.lines >= 1_000_000 and len(corpus.manifest["files"]) >= 10
    made = time.monotonic() - t0
    h = Harness(tmp_path, corpus, batch_bytes=4 << 20)
    rng = random.Random(2026)
    landed = 0
    points = iter(["commit.before:5", "segment.before_rename:4", "commit.after:6", "ingest.staging:5"])
    # interleave: five random kills, one named point, ... (each named point also kills a recovery)
    while landed < 20:
        got = h.kill_at_random(5, rng, hi=2.0)
        landed += got
        assert got == 5 or landed >= 20, f"the ingest finished after only {landed} random kills"
        point = next(points, None)
        if point:
            h.crash_at(point)
    for point in points:
        h.crash_at(point)
    rows = [k.rows_after for k in h.kills]
    assert rows == sorted(rows), rows  # the committed prefix only grows
    h.run_to_completion()
    facts = h.check_final()
    # every kill landed inside a run that had begun loading (each left its run marked 'running')
    assert facts["statuses"].get("running", 0) >= landed + 4, facts
    with capsys.disabled():
        print(
            "\ncrash harness:",
            summary_line(h, time.monotonic() - t0, landed),
            f"generate {made:.0f} s",
            facts,
        )
