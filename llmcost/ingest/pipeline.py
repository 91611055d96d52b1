"""Staging one batch ahead: batch N+1 is read and staged on a second core while the loader
de-duplicates, prices, writes and commits batch N (issue 16, round 4).

A staging thread owns a cursor of the warehouse's DuckDB instance (its own session, macros and
TEMP catalog) and stages each batch into a table of an in-memory database attached to the
instance, `llmcost_stage`: slot 0 or 1, so the batch the loader reads is never the one being
written. The loader's connection sees the slot through its TEMP view `staged`, so every statement
after staging reads the batch as before, without an Arrow hand-over (the rows are materialised
once). Staging writes nothing to the warehouse: the loader still commits batch after batch, in
order, so exactly-once and the resume point are unchanged. At most two batches are in flight.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmcost.ingest.batch import to_arrow
from llmcost.ingest.lines import LineBatcher
from llmcost.ingest.sources import TAIL_WINDOW
from llmcost.ingest.stage import Stager
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

SQL = SqlFiles("llmcost.ingest")
SLOTS = 2


@dataclass
class Staged:
    """One batch staged into `slot` of the staging database."""

    table: pa.Table  # the batch's lines (owning its bytes: the batcher's buffer moves on)
    slot: int
    end: int  # stream offset after the batch
    last_line: int
    window: bytes  # the last TAIL_WINDOW bytes of the batch
    size: int  # bytes consumed, for progress


_DONE = object()


def attach(con: duckdb.DuckDBPyConnection) -> None:
    """Attach the in-memory staging database to the instance (every cursor sees it)."""
    con.execute(SQL.text("stage_attach"))


def detach(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SQL.text("stage_detach"))


def show(con: duckdb.DuckDBPyConnection, slot: int) -> None:
    """Point the loader's TEMP view `staged` at a slot."""
    con.execute(SQL.render("stage_view", slot=str(slot)))


class Prefetch:
    """Iterate staged batches; the staging thread runs one batch ahead of the consumer, who must
    call `done()` when finished with a batch (its slot is then free for the batch after next)."""

    def __init__(self, batcher: LineBatcher, stager: Stager, max_line: int) -> None:
        self.batcher = batcher
        self.stager = stager
        self.max_line = max_line
        self._out: queue.Queue[object] = queue.Queue()
        self._free = threading.Semaphore(SLOTS)
        self._stop = False
        self._thread = threading.Thread(target=self._produce, name="llmcost-stage", daemon=True)

    def __iter__(self) -> Iterator[Staged]:
        self._thread.start()
        while True:
            item = self._out.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, Staged)
            yield item

    def done(self) -> None:
        self._free.release()

    def close(self) -> None:
        """Stop the staging thread (after the last batch, an error or a signal) and wait for it."""
        if not self._thread.is_alive():
            return
        self._stop = True
        self._free.release()
        with contextlib.suppress(Exception):
            self.stager.con.interrupt()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self._out.get(timeout=0.05)  # nothing blocks the thread's put: the queue is unbounded
            self._thread.join(timeout=0.05)

    def _produce(self) -> None:
        slot = 0
        try:
            for batch in self.batcher:
                self._free.acquire()
                if self._stop:
                    return
                table = to_arrow(batch, self.max_line, copy=True)
                end_rel = batch.end - batch.start
                window = batch.data[max(0, end_rel - TAIL_WINDOW) : end_rel].tobytes()
                last_line = batch.first_line + len(batch.starts) + len(batch.oversize) - 1
                self.stager.target = f"TABLE llmcost_stage.staged_{slot}"
                self.stager.stage_here(table)
                self._out.put(Staged(table, slot, batch.end, last_line, window, end_rel))
                slot = (slot + 1) % SLOTS
        except BaseException as e:  # handed to the consumer, who raises it where it reads
            self._out.put(e)
            return
        self._out.put(_DONE)
