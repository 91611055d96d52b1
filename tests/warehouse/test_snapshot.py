"""The writer's snapshot (issue 17/18): a manifest written last, small tables as Parquet, segments
named in place; readers open it while a writer holds the file, with the same tables and types."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from llmcost.warehouse import open_warehouse, segments, snapshot
from tests.conftest import Cli
from tests.ingest.lines import jsonl, outcome, request

HOLD = """
import sys, time
from pathlib import Path
from llmcost.warehouse import writer
with writer(Path(sys.argv[1]), command="llmcost ingest big-file") as wh:
    print("holding", flush=True)
    time.sleep(60)
"""


def _env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}


@pytest.fixture
def loaded(cli: Cli, tmp_path: Path) -> Cli:
    a = tmp_path / "a.log"
    a.write_bytes(jsonl([request(i) for i in range(40)] + [outcome(i) for i in range(5)]))
    cli.ingest(a)
    b = tmp_path / "b.log"
    b.write_bytes(
        jsonl([request(i, requestId=f"b-{i}", tenantId="tenant_b") for i in range(9)]) + b"not json\n"
    )
    cli.ingest(b)
    return cli


@pytest.fixture
def holder(loaded: Cli) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(loaded.db)], stdout=subprocess.PIPE, text=True, env=_env()
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "holding"
    yield proc
    proc.kill()
    proc.wait()
    proc.stdout.close()


def test_every_writer_session_leaves_a_manifest(loaded: Cli) -> None:
    folder = snapshot.snapshot_dir(loaded.db)
    m = json.loads((folder / "manifest.json").read_text())
    assert m["format"] == "llmcost-snapshot/1" and m["generation"] == 2 and m["writer"] == "llmcost ingest"
    assert m["schema_version"] == max(
        x.version for x in __import__("llmcost.warehouse").warehouse.migrations()
    )
    seg_dir = segments.segment_dir(loaded.db)
    assert {s["kind"] for s in m["segments"]} == {"requests", "outcomes"}
    assert sum(s["rows"] for s in m["segments"] if s["kind"] == "requests") == 49
    for s in m["segments"]:
        data = (seg_dir / s["file"]).read_bytes()
        assert s["bytes"] == len(data) and s["sha256"] == hashlib.sha256(data).hexdigest()
    assert {"sources", "prices", "rejects", "ingests", "segments"} <= set(m["tables"])
    assert "request_keys" not in m["tables"]
    assert m["tables"]["rejects"]["rows"] == 1 and m["tables"]["ingests"]["rows"] == 2
    for t in m["tables"].values():
        assert (folder / t["file"]).stat().st_size == t["bytes"]
    # only this generation's and the previous one's table copies are kept
    assert sorted(p.name for p in (folder / "tables").iterdir()) == ["g00000001", "g00000002"]
    assert oct((folder / "manifest.json").stat().st_mode & 0o777) == "0o600"


def _describe(con, name: str) -> list[tuple]:
    return con.execute(f"DESCRIBE {name}").fetchall()


def test_a_reader_over_the_snapshot_has_the_same_tables_types_and_rows(loaded: Cli) -> None:
    with open_warehouse(loaded.db, write=False) as real:
        names = [r[0] for r in real.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        m = snapshot.read_local(snapshot.snapshot_dir(loaded.db))
        assert m is not None
        con = snapshot.open_manifest(str(snapshot.snapshot_dir(loaded.db)) + "/", m)
        try:
            for name in ["requests", "outcomes", *names]:
                assert _describe(con, name) == _describe(real.con, name), name
                if name in ("request_keys", "outcome_keys", "warehouse_meta", "schema_migrations"):
                    continue
                q = f"SELECT * FROM {name} ORDER BY ALL"
                assert con.execute(q).fetchall() == real.con.execute(q).fetchall(), name
        finally:
            con.close()


def test_readers_answer_while_a_writer_holds_the_warehouse(
    loaded: Cli, holder: subprocess.Popen[str]
) -> None:
    cmds = [
        ["report", "--by", "tenant", "--format", "json"],
        ["status", "--json"],
        ["view", "daily", "--format", "json"],
        ["unit", "--event", "draft_accepted", "--by", "tenant", "--format", "json"],
    ]
    for args in cmds:
        t0 = time.monotonic()
        r = subprocess.run(
            [sys.executable, "-m", "llmcost", *args, "--db", str(loaded.db)],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
        assert r.returncode == 0, (args, r.stderr)
        json.loads(r.stdout)
        lines = [x for x in r.stderr.splitlines() if "reading the state as of" in x]
        assert len(lines) == 1, r.stderr
        assert "`llmcost ingest big-file`" in lines[0] and f"pid {holder.pid}" in lines[0]
        assert time.monotonic() - t0 < 10
    # the same numbers as from the file itself, once the writer is gone
    r = subprocess.run(
        [sys.executable, "-m", "llmcost", *cmds[0], "--db", str(loaded.db)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    snap = json.loads(r.stdout)
    holder.kill()
    holder.wait()
    code, out, err = loaded(*cmds[0])
    assert code == 0 and "reading the state" not in err
    assert json.loads(out) == snap
    assert snap["totals"]["requests"] == 49 and snap["totals"]["cost_usd"] == "0.896700000"


def test_without_a_snapshot_a_reader_is_still_told_the_warehouse_is_busy(loaded: Cli, tmp_path: Path) -> None:
    import shutil

    shutil.rmtree(snapshot.snapshot_dir(loaded.db))
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD.replace("time.sleep(60)", "time.sleep(60)"), str(loaded.db)],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        r = subprocess.run(
            [sys.executable, "-m", "llmcost", "status", "--db", str(loaded.db)],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
        assert r.returncode == 75 and "busy" in r.stderr
    finally:
        proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()


def test_a_crash_before_the_manifest_leaves_the_previous_snapshot(loaded: Cli, tmp_path: Path) -> None:
    folder = snapshot.snapshot_dir(loaded.db)
    before = (folder / "manifest.json").read_bytes()
    c = tmp_path / "c.log"
    c.write_bytes(jsonl([request(i, requestId=f"c-{i}") for i in range(3)]))
    r = subprocess.run(
        [sys.executable, "-m", "llmcost", "ingest", str(c), "--db", str(loaded.db)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**_env(), "LLMCOST_CRASH_AT": "snapshot.before_manifest"},
    )
    assert r.returncode == -9
    assert (folder / "manifest.json").read_bytes() == before  # whole, the previous state
    m = json.loads(before)
    con = snapshot.open_manifest(str(folder) + "/", m)
    assert con.execute("SELECT count(*) FROM requests").fetchone() == (49,)
    con.close()
    # the next writer writes the state with the crashed run's committed rows
    with open_warehouse(loaded.db, write=True):
        pass
    m2 = json.loads((folder / "manifest.json").read_text())
    assert m2["generation"] == m["generation"] + 1  # the crashed session's copies are replaced
    assert sum(s["rows"] for s in m2["segments"] if s["kind"] == "requests") == 52


def test_retired_segments_outlive_the_grace_period_only(
    loaded: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seg_dir = segments.segment_dir(loaded.db)
    old = sorted(p for p in seg_dir.rglob("*.parquet"))
    rel = [str(p.relative_to(seg_dir)) for p in old]
    # pretend a reprice swapped the first out: unregister it, retire it
    with open_warehouse(loaded.db, write=True) as wh:
        wh.con.execute("DELETE FROM segments WHERE file = ?", [rel[0]])
        segments.retire_later(seg_dir, [rel[0]])
    # the snapshot no longer names it, but it is within its grace: kept by the next writer
    with open_warehouse(loaded.db, write=True):
        pass
    assert old[0].exists()
    monkeypatch.setattr(segments, "GRACE_S", 0.0)
    with open_warehouse(loaded.db, write=True):
        pass
    assert not old[0].exists() and all(p.exists() for p in old[1:])
    assert not (seg_dir / "retired.json").exists()


def test_a_long_reader_that_prefers_the_snapshot_never_makes_a_writer_wait(
    loaded: Cli, tmp_path: Path
) -> None:
    """`llmcost serve`'s way in: reader(prefer_snapshot=True) never opens the DuckDB file."""
    from llmcost.warehouse import reader

    with reader(loaded.db, prefer_snapshot=True) as wh:
        assert wh.snapshot is not None and wh.snapshot.writer is None
        assert wh.con.execute("SELECT count(*) FROM requests").fetchone() == (49,)
        c = tmp_path / "c.log"
        c.write_bytes(jsonl([request(i, requestId=f"c-{i}") for i in range(3)]))
        t0 = time.monotonic()
        r = subprocess.run(
            [sys.executable, "-m", "llmcost", "ingest", str(c), "--db", str(loaded.db)],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=120,
        )
        assert r.returncode == 0, r.stderr
        assert time.monotonic() - t0 < 20  # no 5 s wait for a reader holding the file
        assert wh.con.execute("SELECT count(*) FROM requests").fetchone() == (49,)  # its own state
    with reader(loaded.db, prefer_snapshot=True) as wh:
        assert wh.con.execute("SELECT count(*) FROM requests").fetchone() == (52,)
