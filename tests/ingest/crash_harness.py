"""A reusable crash harness: generated multi-file input with a ground-truth ledger, `llmcost ingest`
(or `llmcost watch`, `Harness(..., command="watch")`) run as a real subprocess, SIGKILLed (at random moments or at a named crash point, see
llmcost/faults.py), re-run to completion, and the warehouse checked against the ledger.

    corpus = make_corpus(tmp / "logs", requests=1_000_000, files=12)
    h = Harness(tmp, corpus, batch_bytes=4 << 20)
    h.kill_at_random(kills=20, rng=random.Random(1))
    h.run_to_completion()
    h.check_final()

What is checked (`check_committed` after every kill, `check_final` at the end):
- the warehouse reopens (read-only, in this process) after every kill, and the next writer opens it;
- the committed state is a prefix: rows == the runs' own loaded counts, no request/event id twice,
  `read = loaded + duplicate + ignored + rejected` over all runs, killed ones included;
- for `watch`: no alert recorded twice, and the checked mark never ahead of the runs;
- at the end: every generated line read exactly once, requests/outcomes/ignored equal to the
  generator's manifest, 0 duplicates, the DECIMAL cost total and every tenant's count and cost exact,
  no orphan or temporary segment file left, and one more ingest loads nothing.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

KILLED = -signal.SIGKILL
_LLMCOST = (sys.executable, "-m", "llmcost")


@dataclass
class Corpus:
    root: Path
    manifest: dict[str, Any]
    gz_files: int

    @property
    def lines(self) -> int:
        return int(self.manifest["counts"]["lines"])

    @property
    def requests(self) -> int:
        return int(self.manifest["counts"]["llm_request"])

    @property
    def outcomes(self) -> int:
        return int(self.manifest["counts"]["outcome_events"])

    @property
    def ignored(self) -> int:
        return int(self.manifest["counts"]["ignored"])

    @property
    def cost(self) -> Decimal:
        return Decimal(self.manifest["totals"]["cost_usd"])

    def by_tenant(self) -> dict[str, tuple[int, Decimal]]:
        return {
            t: (int(v["requests"]), Decimal(v["cost_usd"])) for t, v in self.manifest["by_tenant"].items()
        }


def make_corpus(root: Path, *, requests: int, files: int, seed: int = 11, gzip_every: int = 3) -> Corpus:
    """`llmcost.synth` month logs in `files` rotated files; every `gzip_every`-th one gzipped
    (level 1) in place of the plain file. The manifest (.manifest.json) is the ledger."""
    from llmcost.synth import generate

    days = max(3, min(30, files * 2))
    m = generate(root, seed=seed, requests=requests, files=files, days=days, tenants=60, anomalies="none")
    gz = 0
    for i, f in enumerate(m.data["files"]):
        if i % gzip_every == gzip_every - 1:
            src = root / f["path"]
            with open(src, "rb") as fin, gzip.open(src.with_name(src.name + ".gz"), "wb", 1) as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
            src.unlink()
            gz += 1
    assert m.data["counts"]["rejected"] == 0 and m.data["counts"]["duplicates"] == 0
    return Corpus(root, m.data, gz)


@dataclass
class Kill:
    after_s: float | None  # seconds after start (random kills), None for a crash point
    point: str | None
    landed: bool  # the process was still running (random) / died at the point (targeted)
    rows_after: int  # committed requests after the kill


@dataclass
class Harness:
    tmp: Path
    corpus: Corpus
    batch_bytes: int = 1 << 20
    command: str = "ingest"  # or "watch": the loop, killed while it runs; `--once` completes it
    db: Path = field(init=False)
    cfg: Path = field(init=False)
    kills: list[Kill] = field(default_factory=list)
    runs: int = 0

    def __post_init__(self) -> None:
        self.db = self.tmp / "wh" / "w.duckdb"
        self.cfg = self.tmp / "llmcost.toml"
        # a batch is at least 2 x max_line_bytes (default 1 MiB): lower the cap so small batches hold
        self.cfg.write_text(f"[ingest]\nbatch_bytes = {self.batch_bytes}\nmax_line_bytes = 65536\n")

    # -- running -------------------------------------------------------------------------------
    def argv(self, *, once: bool = False) -> list[str]:
        where = [str(self.corpus.root), "--db", str(self.db), "--config", str(self.cfg)]
        if self.command == "watch":
            return [*_LLMCOST, "watch", *where, *(["--once"] if once else ["--every", "1s"])]
        return [*_LLMCOST, "ingest", *where, "--quiet"]

    def start(self, crash_at: str | None = None, *, once: bool = False) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if k != "LLMCOST_CRASH_AT"}
        if crash_at:
            env["LLMCOST_CRASH_AT"] = crash_at
        self.runs += 1
        return subprocess.Popen(
            self.argv(once=once),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )

    def _segments_on_disk(self) -> set[str]:
        seg = self.db.with_name(self.db.name + ".segments")
        names: set[str] = set()
        for kind in ("requests", "outcomes"):
            with contextlib.suppress(FileNotFoundError):
                names.update(e.name for e in os.scandir(seg / kind))
        return names

    def _wait_loading(self, proc: subprocess.Popen[bytes], before: set[str]) -> None:
        wait_for(lambda: proc.poll() is not None or bool(self._segments_on_disk() - before), 120)

    def kill_at_random(self, kills: int, rng: Any, hi: float = 2.0) -> int:
        """Start an ingest and SIGKILL it at a random moment while it loads, `kills` times: once
        its first new segment file appears (start-up, migrations and resuming are behind it; the
        orphans the previous kill left are deleted on open, so a *new name* is what counts), after
        a further uniform(0, hi) s. Returns how many kills landed with the ingest still running
        (stops early if one finds it finished)."""
        landed = 0
        for _ in range(kills):
            before = self._segments_on_disk()
            proc = self.start()
            self._wait_loading(proc, before)
            delay = rng.uniform(0, hi)
            try:
                proc.wait(timeout=delay)
                finished = True
            except subprocess.TimeoutExpired:
                finished = False
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            err = proc.stderr.read().decode() if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
            if finished:
                assert proc.returncode == 0, err
            landed += not finished
            self.kills.append(Kill(delay, None, not finished, self.check_committed()))
            if finished:
                break
        return landed

    def crash_at(self, point: str) -> subprocess.CompletedProcess[bytes]:
        """One ingest with LLMCOST_CRASH_AT=point; asserts it died by SIGKILL at that point."""
        proc = self.start(point)
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == KILLED, f"{point}: exit {proc.returncode}, not killed: {err.decode()}"
        self.kills.append(Kill(None, point, True, self.check_committed()))
        return subprocess.CompletedProcess(proc.args, proc.returncode, b"", err)

    def run_to_completion(self) -> None:
        proc = self.start(once=True)
        _, err = proc.communicate(timeout=1800)
        assert proc.returncode == 0, err.decode()

    # -- checking ------------------------------------------------------------------------------
    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.db), read_only=True)

    def check_committed(self) -> int:
        """The warehouse reopens and its committed state is a consistent prefix; returns rows."""
        if not self.db.exists():
            return 0
        con = self.connect()
        try:
            tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            if "ingests" not in tables:
                return 0  # killed before the first migration committed
            rows, ids, cost = _one(
                con, "SELECT count(*), count(DISTINCT request_id), sum(logged_cost_usd) FROM requests"
            )
            events, event_ids = _one(con, "SELECT count(*), count(DISTINCT event_id) FROM outcomes")
            books = _one(
                con,
                "SELECT coalesce(sum(loaded_requests), 0), coalesce(sum(loaded_outcomes), 0), "
                "coalesce(sum(duplicate), 0), coalesce(sum(rejected), 0), "
                "coalesce(sum(lines_read - loaded_requests - loaded_outcomes - duplicate - ignored - rejected), 0) "
                "FROM ingests",
            )
            assert rows == ids, f"duplicate request ids committed: {rows} rows, {ids} ids"
            assert events == event_ids, f"duplicate event ids committed: {events} rows, {event_ids} ids"
            assert books == (rows, events, 0, 0, 0), f"books {books} vs rows {(rows, events)}"
            assert cost is None or cost <= self.corpus.cost
            # the sources' committed counts agree with the runs' too
            src = _one(con, "SELECT coalesce(sum(lines_read), 0) FROM sources")
            runs = _one(con, "SELECT coalesce(sum(lines_read), 0) FROM ingests")
            assert src == runs, f"sources read {src} lines, runs {runs}"
            if "notifications" in tables:
                _check_watch(con)
            return int(rows)
        finally:
            con.close()

    def segment_files(self) -> tuple[set[str], set[str]]:
        """(registered segment files, files on disk under the segment directory)."""
        con = self.connect()
        try:
            known = {r[0] for r in con.execute("SELECT file FROM segments").fetchall()}
        finally:
            con.close()
        seg = self.db.with_name(self.db.name + ".segments")
        on_disk = {str(p.relative_to(seg)) for p in seg.rglob("*") if p.is_file()} if seg.exists() else set()
        return known, on_disk

    def check_final(self, *, rerun: bool = True) -> dict[str, Any]:
        c = self.corpus
        con = self.connect()
        try:
            rows, ids, cost = _one(
                con, "SELECT count(*), count(DISTINCT request_id), sum(logged_cost_usd) FROM requests"
            )
            assert (rows, ids) == (c.requests, c.requests), (rows, ids, c.requests)
            assert _one(con, "SELECT count(*), count(DISTINCT event_id) FROM outcomes") == (
                c.outcomes,
                c.outcomes,
            )
            assert cost == c.cost, f"cost {cost} != ledger {c.cost}"
            tenants = {
                t: (int(n), v)
                for t, n, v in con.execute(
                    "SELECT tenant_id, count(*), sum(logged_cost_usd) FROM requests GROUP BY 1"
                ).fetchall()
            }
            assert tenants == c.by_tenant()
            books = _one(
                con,
                "SELECT sum(lines_read), sum(loaded_requests), sum(loaded_outcomes), sum(duplicate), "
                "sum(ignored), sum(rejected) FROM ingests",
            )
            assert books == (c.lines, c.requests, c.outcomes, 0, c.ignored, 0), books
            runs = con.execute("SELECT status, count(*) FROM ingests GROUP BY 1").fetchall()
        finally:
            con.close()
        known, on_disk = self.segment_files()
        assert on_disk == known, f"orphans {on_disk - known}, missing {known - on_disk}"
        facts = {"runs": self.runs, "statuses": dict(runs), "segments": len(known)}
        if self.command == "watch":
            con = self.connect()
            try:
                _check_watch(con)
                # the last pass checked every run's rows, the killed ones' included
                checked, last = _one(
                    con,
                    "SELECT (SELECT checked_through FROM watch_checked), (SELECT max(ingest_id) FROM ingests)",
                )
                assert checked == last, (checked, last)
                facts["notifications"] = _one(con, "SELECT count(*) FROM notifications")
            finally:
                con.close()
        if not rerun:
            return facts
        # idempotence after all that: one more run loads nothing
        self.run_to_completion()
        con = self.connect()
        try:
            again = _one(
                con,
                "SELECT lines_read, loaded_requests + loaded_outcomes FROM ingests "
                "WHERE ingest_id = (SELECT max(ingest_id) FROM ingests)",
            )
        finally:
            con.close()
        assert again == (0, 0), again
        return facts


def _check_watch(con: duckdb.DuckDBPyConnection) -> None:
    """`watch`'s own books: an alert is recorded once, and the checked mark is a run that exists."""
    dup = _one(
        con,
        "SELECT count(*) - count(DISTINCT (rule, subject, window_key)) FROM notifications",
    )
    assert dup == 0, f"{dup} alert(s) recorded twice"
    ahead = _one(
        con,
        "SELECT count(*) FROM watch_checked WHERE checked_through > (SELECT coalesce(max(ingest_id), 0) FROM ingests)",
    )
    assert ahead == 0, "the checked mark is ahead of the runs"


def _one(con: duckdb.DuckDBPyConnection, query: str) -> Any:
    row = con.execute(query).fetchone()
    assert row is not None
    return row if len(row) > 1 else row[0]


def summary_line(h: Harness, seconds: float, landed: int) -> str:
    """One line for the test log / docs: what the run proved, and how long it took."""
    return json.dumps(
        {
            "lines": h.corpus.lines,
            "files": len(h.corpus.manifest["files"]),
            "gz": h.corpus.gz_files,
            "kills_landed": landed,
            "targeted": [k.point for k in h.kills if k.point],
            "ingest_runs": h.runs,
            "seconds": round(seconds, 1),
        }
    )


def wait_for(predicate: Any, timeout: float, step: float = 0.02) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
