"""A Hypothesis state machine of a log writer and logrotate against ingest: write lines, leave a
line half-written and finish it, rename-rotate, copytruncate, gzip a rotated file, delete an
old one, ingest — and after every ingest the warehouse holds exactly the complete lines written
so far, each once, with `read = loaded + duplicate + ignored + rejected` for the run."""

from __future__ import annotations

import gzip
import json
import shutil
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from llmcost.config import Config
from llmcost.ingest.discover import discover
from llmcost.ingest.load import Loader
from llmcost.warehouse import open_warehouse


def _line(n: int) -> bytes:
    rec = {
        "ts": f"2026-10-01T10:{n // 60 % 60:02d}:{n % 60:02d}Z",
        "msg": "llm.request",
        "requestId": f"r{n:06d}",
        "tenantId": "t",
        "model": "gpt-4o-mini",
        "inputTokens": 10 + n,
        "outputTokens": 1,
    }
    return json.dumps(rec).encode() + b"\n"


class RotatingLog(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="llmcost-rot-"))
        self.logs = self.dir / "logs"
        self.logs.mkdir()
        self.live = self.logs / "app.log"
        self.live.write_bytes(b"")
        self.db = self.dir / "w.duckdb"
        self.next_id = 0
        self.complete: set[str] = set()  # ids of lines written with their newline
        self.partial: bytes | None = None  # the unfinished tail of app.log
        self.ingested_all = True  # every complete line written so far is loaded

    def teardown(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- the writer ---------------------------------------------------------------------------
    def _rotated(self) -> list[Path]:
        return sorted(
            (p for p in self.logs.iterdir() if p.name != "app.log"),
            key=lambda p: int(p.name.split(".")[2]),
        )

    @rule(n=st.integers(1, 30))
    def write(self, n: int) -> None:
        with self.live.open("ab") as fh:
            if self.partial is not None:
                fh.write(self.partial)  # finish the half-written line first
                self.partial = None
            for _ in range(n):
                fh.write(_line(self.next_id))
                self.complete.add(f"r{self.next_id:06d}")
                self.next_id += 1
        self.ingested_all = False

    @precondition(lambda self: self.partial is None)
    @rule(cut=st.integers(1, 60))
    def write_half_a_line(self, cut: int) -> None:
        line = _line(self.next_id)
        with self.live.open("ab") as fh:
            fh.write(line[:cut])
        self.partial = line[cut:]
        self.complete.add(f"r{self.next_id:06d}")  # complete once the rest is written
        self.next_id += 1
        self.ingested_all = False

    def _shift(self) -> None:
        for p in reversed(self._rotated()):
            k = int(p.name.split(".")[2])
            p.rename(p.with_name(p.name.replace(f"app.log.{k}", f"app.log.{k + 1}", 1)))

    @precondition(lambda self: self.partial is None)
    @rule()
    def rename_rotate(self) -> None:
        self._shift()
        self.live.rename(self.logs / "app.log.1")
        self.live.write_bytes(b"")

    @precondition(lambda self: self.partial is None)
    @rule()
    def copytruncate(self) -> None:
        self._shift()
        shutil.copyfile(self.live, self.logs / "app.log.1")
        with self.live.open("r+b") as fh:
            fh.truncate(0)

    @precondition(lambda self: (self.logs / "app.log.1").exists())
    @rule()
    def gzip_rotated(self) -> None:
        plain = self.logs / "app.log.1"
        (self.logs / "app.log.1.gz").write_bytes(gzip.compress(plain.read_bytes()))
        plain.unlink()

    @precondition(lambda self: self.ingested_all and len(self._rotated()) > 1)
    @rule()
    def delete_oldest(self) -> None:
        self._rotated()[-1].unlink()  # already ingested, so nothing is lost

    # -- the reader ---------------------------------------------------------------------------
    @rule()
    def ingest(self) -> None:
        inputs, skipped = discover([str(self.logs)])
        assert not skipped
        with open_warehouse(self.db, write=True) as wh:
            result = Loader(wh, Config()).run(inputs, skipped)
        t = result.totals
        assert t.read == t.loaded + t.duplicate + t.ignored + t.rejected
        assert t.rejected == 0 and t.ignored == 0
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            ids = [r[0] for r in con.execute("SELECT request_id FROM requests").fetchall()]
        finally:
            con.close()
        assert len(ids) == len(set(ids)), "a line was loaded twice"
        waiting = {f"r{self.next_id - 1:06d}"} if self.partial is not None else set()
        assert set(ids) == self.complete - waiting, "a complete line is missing or a partial one was loaded"
        self.ingested_all = not waiting

    @invariant()
    def ids_are_unique_in_files(self) -> None:
        assert self.next_id >= len(self.complete)


RotatingLog.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRotation = RotatingLog.TestCase
