"""Hostile storage (RELIABILITY.md, hostile input 20): a read-only warehouse, a disk that fills up
mid-ingest, a WAL left by a killed process. Real mounts (tmpfs, as root; skipped otherwise), real
processes, real DuckDB: a clear error and exit code, nothing lost, exactly once after recovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ingest.crash_harness import KILLED, Corpus, Harness, make_corpus
from tests.ingest.lines import jsonl, request


def _mount(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)])
    return r.returncode == 0


def _remount(path: Path, opts: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{opts}", str(path)], check=True)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs of its own (1 MiB); the test may remount it (ro, bigger)."""
    mnt = tmp_path / "mnt"
    if not _mount(mnt, "1m"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_corpus(tmp_path_factory.mktemp("storage") / "logs", requests=12_000, files=3)


def _llmcost(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LLMCOST_CRASH_AT"}
    return subprocess.run(
        [sys.executable, "-m", "llmcost", *args], capture_output=True, text=True, env=env, timeout=300
    )


def _clean_error(r: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert r.returncode == code, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith("llmcost: ") and len(r.stderr.splitlines()) == 1, r.stderr
    for w in words:
        assert w in r.stderr, r.stderr


def test_read_only_warehouse(tmp_path: Path, tmpfs: Path) -> None:
    _remount(tmpfs, "size=64m")
    db = tmpfs / "w.duckdb"
    first = tmp_path / "first.log"
    first.write_bytes(jsonl([request(i) for i in range(500)]))
    assert _llmcost("ingest", str(first), "--db", str(db), "--quiet").returncode == 0
    _remount(tmpfs, "ro")
    second = tmp_path / "second.log"
    second.write_bytes(jsonl([request(i, requestId=f"b-{i}") for i in range(300)]))
    r = _llmcost("ingest", str(second), "--db", str(db))
    _clean_error(r, 74, "cannot write the warehouse", "Read-only file system")
    # readers still work on a read-only warehouse, and see everything committed before
    r = _llmcost("status", "--json", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["requests"] == 500
    r = _llmcost("report", "--by", "tenant", "--format", "json", "--db", str(db))
    assert r.returncode == 0, r.stderr
    # writable again: the refused file loads, exactly once
    _remount(tmpfs, "rw")
    r = _llmcost("ingest", str(first), str(second), "--json", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["totals"]["loaded_requests"] == 300
    assert json.loads(_llmcost("status", "--json", "--db", str(db)).stdout)["requests"] == 800


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes (the read-only mount test covers it)")
def test_read_only_warehouse_by_permissions(tmp_path: Path) -> None:
    db = tmp_path / "wh" / "w.duckdb"
    f = tmp_path / "a.log"
    f.write_bytes(jsonl([request(i) for i in range(50)]))
    assert _llmcost("ingest", str(f), "--db", str(db), "--quiet").returncode == 0
    for p in db.parent.iterdir():
        p.chmod(0o400 if p.is_file() else 0o500)
    db.parent.chmod(0o500)
    try:
        r = _llmcost("ingest", str(f), "--db", str(db))
        _clean_error(r, 74, "cannot write the warehouse")
        assert _llmcost("status", "--db", str(db)).returncode == 0
    finally:
        db.parent.chmod(0o700)


def test_disk_full_mid_ingest_then_recovery(tmp_path: Path, tmpfs: Path, corpus: Corpus) -> None:
    """~7 MB of input (~2.5 MB of segments) into a 1 MiB file system: the ingest stops with a
    clear error, the warehouse holds a consistent prefix, and after space is freed the same
    command loads the rest, exactly once."""
    h = Harness(tmp_path, corpus, batch_bytes=256 << 10)
    h.db = tmpfs / "w.duckdb"
    proc = h.start()
    _, err = proc.communicate(timeout=300)
    r = subprocess.CompletedProcess(proc.args, proc.returncode, "", err.decode())
    _clean_error(r, 74, "no space left on device", "run the same command again")
    rows = h.check_committed()  # reopens (read-only, WAL replayed) and is consistent
    assert 0 < rows < corpus.requests
    # still full: a reader works; a writer says the same clear thing again
    assert _llmcost("status", "--db", str(h.db)).returncode == 0
    proc = h.start()
    _, err = proc.communicate(timeout=300)
    _clean_error(subprocess.CompletedProcess([], proc.returncode, "", err.decode()), 74, "no space left")
    assert h.check_committed() >= rows
    # space freed: everything, once
    _remount(tmpfs, "size=256m")
    h.run_to_completion()
    h.check_final()


def test_leftover_wal_from_a_killed_writer(tmp_path: Path, corpus: Corpus) -> None:
    h = Harness(tmp_path, corpus, batch_bytes=256 << 10)
    h.crash_at("commit.after:4")
    wal = h.db.with_name(h.db.name + ".wal")
    lock = h.db.with_name(h.db.name + ".lock")
    assert wal.exists() and wal.stat().st_size > 0  # the committed batches live only in the WAL
    assert json.loads(lock.read_text())["command"] == "llmcost ingest"  # the dead holder's name
    rows = h.kills[-1].rows_after
    assert rows > 0
    # a reader replays the WAL and sees exactly the committed batches
    r = _llmcost("status", "--json", "--db", str(h.db))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["requests"] == rows
    # the dead holder's lock does not block the next writer; it recovers and finishes, once
    h.run_to_completion()
    h.check_final()
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed on a clean close


def test_torn_wal_tail_from_a_killed_writer(tmp_path: Path, corpus: Corpus) -> None:
    """A WAL whose last write was torn (power cut mid-append): DuckDB drops the incomplete
    transaction, the source offset in it goes too, and the re-run reads those lines again."""
    h = Harness(tmp_path, corpus, batch_bytes=256 << 10)
    h.crash_at("commit.after:4")
    wal = h.db.with_name(h.db.name + ".wal")
    size = wal.stat().st_size
    with open(wal, "r+b") as fh:
        fh.truncate(size - 100)
    r = _llmcost("status", "--json", "--db", str(h.db))
    assert r.returncode == 0, r.stderr
    h.check_committed()
    h.run_to_completion()
    h.check_final()
    assert h.kills[-1].point == "commit.after:4" and h.kills[-1].landed
    assert KILLED < 0
