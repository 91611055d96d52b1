"""Load inputs into the warehouse exactly once: the orchestrator of one run.

Per file: plan it (format, resume point; plan.py), then per batch of lines: stage it (stage.py),
keep the rows never loaded (dedup.py), price them (price.py), write their segments, and commit
the batch with its rejects, source offset and run counts in one transaction (commit.py). Every
line read lands in exactly one bucket, so `read = loaded + duplicate + ignored + rejected` holds
for each batch, each file and each run, and a crash at any point loses or repeats nothing.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from llmcost import interrupts
from llmcost.config import Config
from llmcost.errors import ConfigError, Interrupted, StorageError
from llmcost.faults import crashpoint
from llmcost.ingest import commit, dedup, formats, pipeline
from llmcost.ingest.diagnose import diagnose_input
from llmcost.ingest.discover import Input, Skipped
from llmcost.ingest.fields import FieldMap
from llmcost.ingest.formats.otlp import OtlpMapper
from llmcost.ingest.plan import RawOpener, line_batches, materialised, plan_file
from llmcost.ingest.price import Pricer, price
from llmcost.ingest.results import Counts, FileResult, IngestResult
from llmcost.ingest.sources import TAIL_WINDOW, Resume
from llmcost.ingest.stage import Stager, prepare_connection
from llmcost.ingest.streams import ExpansionLimit
from llmcost.numbers import count
from llmcost.warehouse import Warehouse, segments, write_failed
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import pyarrow as pa

SQL = SqlFiles("llmcost.ingest")
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# errors that come from the warehouse's disk, never from reading an input
_WAREHOUSE_FULL = (errno.ENOSPC, errno.EROFS, errno.EDQUOT)

Progress = Callable[[int], None]  # called with bytes consumed
# DuckDB threads for the statements of a run (issue 16, round 4): each batch's statements are
# short and mostly serial (a JSON transform per line, a TEMP table, one Parquet file); a second
# DuckDB thread cost 15-50% more CPU per statement for no wall time; the run's second core goes
# to the staging thread instead (pipeline.py; benchmarks/RESULTS.md, "Issue 16, ingest round 4").
INGEST_THREADS = 1


@dataclass
class _Pending:
    """A staged batch (its rows in the TEMP table `staged`), waiting to be committed."""

    table: pa.Table  # the batch's lines
    end: commit.BatchEnd
    size: int  # bytes consumed, for progress


class Loader:
    def __init__(
        self,
        wh: Warehouse,
        cfg: Config,
        *,
        take_partial: bool = False,
        pricer: Pricer | None = None,
        now: datetime | None = None,
        source: str = "auto",
    ) -> None:
        if not wh.writable:
            raise ValueError("the loader needs a writable warehouse")
        self.wh = wh
        self.con = wh.con
        self.cfg = cfg
        self.take_partial = take_partial
        self.pricer = pricer
        if source not in formats.SOURCES:
            raise ConfigError(f"unknown source {source!r}; known: {', '.join(formats.SOURCES)}")
        self.source = source
        self.otlp = OtlpMapper(cfg.ingest.otel_attributes)
        self.now = now or datetime.now(UTC)
        try:
            self.fields = FieldMap(cfg.ingest.aliases, cfg.ingest.containers)
        except ValueError as e:
            raise ConfigError(str(e)) from None
        self.limit = ExpansionLimit(cfg.ingest.max_expansion_ratio, cfg.ingest.expansion_check_after_bytes)
        prepare_connection(self.con)
        self._staging: Stager | None = None  # the staging thread's, on a cursor (pipeline.py)
        self.batches = 0  # committed by this run (for the message when it is interrupted)
        self.lines = 0

    # -- run ----------------------------------------------------------------------------------
    def run(
        self, inputs: list[Input], skipped: list[Skipped], *, argv: str = "", progress: Progress | None = None
    ) -> IngestResult:
        started = datetime.now(UTC)
        threads = int(SQL.run(self.con, "threads_now")[0][0])
        self.con.execute(SQL.render("threads", threads=str(INGEST_THREADS)))
        try:
            return self._run_inputs(inputs, skipped, started, argv, progress)
        finally:
            with contextlib.suppress(Exception):  # the connection may be closing after a signal
                self._close_staging()
                self.con.execute(SQL.render("threads", threads=str(threads)))

    def _run_inputs(
        self,
        inputs: list[Input],
        skipped: list[Skipped],
        started: datetime,
        argv: str,
        progress: Progress | None,
    ) -> IngestResult:
        ingest_id = commit.start_run(self.con, started, argv)
        results = []
        totals = Counts()
        try:
            for inp in inputs:
                res = self._unchanged_object(inp)
                if res is None:
                    with materialised(inp, self.cfg.storage) as (path, display):
                        res = self._load_file(ingest_id, path, display, progress)
                    self._object_read(inp, res)
                results.append(res)
                totals.add(res.counts)
        except BaseException:
            signum = interrupts.received()
            if signum is None:
                raise
            raise self._interrupted(ingest_id, len(results), signum) from None
        signum = interrupts.received()  # a signal whose exception something on the way took as an error
        if signum is not None:
            raise self._interrupted(ingest_id, len(results), signum)
        finished = datetime.now(UTC)
        status = "ok" if not any(r.error for r in results) and not skipped else "partial"
        commit.finish_run(self.con, ingest_id, finished, status, len(inputs))
        return IngestResult(ingest_id, results, skipped, totals, started, finished)

    def _unchanged_object(self, inp: Input) -> FileResult | None:
        """An object listed as it was when a run read it to its end: its result, no read."""
        if inp.obj is None:
            return None
        from llmcost.ingest import objects

        done = objects.unchanged(self.con, inp.obj)
        if done is None:
            return None
        source_id, offset, fmt = done
        commit.source_seen(self.con, source_id, inp.display, 0, datetime.now(UTC))
        return FileResult(inp.display, source_id=source_id, resumed_at=offset, format=fmt or "jsonl")

    def _object_read(self, inp: Input, res: FileResult) -> None:
        """Record an object read to its end (no error, nothing held back) by its ETag and size."""
        if inp.obj is None or res.source_id is None or res.error or res.pending_bytes or res.note:
            return
        from llmcost.ingest import objects

        objects.mark_done(self.con, inp.obj, res.source_id)

    def _ahead(self) -> Stager:
        """The stager of the staging thread: its own cursor, writing to the staging database."""
        if self._staging is None:
            pipeline.attach(self.con)
            self._staging = Stager(
                self.con.cursor(), self.fields, self.cfg.ingest, now=self.now, earliest=EARLIEST
            )
            self._staging.default_provider = formats.SOURCE_PROVIDER.get(self.source)  # a forced source's
        return self._staging

    def _close_staging(self) -> None:
        if self._staging is not None:
            staging, self._staging = self._staging, None
            staging.con.close()
            pipeline.detach(self.con)

    def _committed(self, c: Counts) -> None:
        self.batches += 1
        self.lines += c.read

    def _interrupted(self, ingest_id: int, files: int, signum: int) -> Interrupted:
        """Record the run as interrupted; the error says what it kept. Every batch committed before
        the signal stays (a rerun resumes after it), the one in flight was rolled back."""
        with contextlib.suppress(Exception):
            self.con.execute("ROLLBACK")  # DuckDB, interrupted mid-query, may hold a transaction open
        with contextlib.suppress(Exception):
            commit.finish_run(self.con, ingest_id, datetime.now(UTC), "interrupted", files)
        return Interrupted(
            f"interrupted; {count(self.batches)} {'batch' if self.batches == 1 else 'batches'} committed "
            f"({count(self.lines)} {'line' if self.lines == 1 else 'lines'}), "
            "rerun the same command to resume",
            signum,
        )

    # -- one file -----------------------------------------------------------------------------
    def _load_file(
        self, ingest_id: int, path: Path | RawOpener, display: str, progress: Progress | None
    ) -> FileResult:
        res = FileResult(display)
        try:
            plan = plan_file(
                self.con,
                path,
                display,
                source=self.source,
                otlp=self.otlp,
                limit=self.limit,
                take_partial=self.take_partial,
            )
        except OSError as e:
            res.error = f"cannot read: {e.strerror or e}"
            return res
        res.format = plan.format
        resume = plan.resume
        if resume is None:
            res.note = "no complete line yet"
            with contextlib.suppress(OSError):
                res.pending_bytes = path.stat().st_size if isinstance(path, Path) else path.size
            return res
        res.resumed_at = resume.offset
        if resume.source_id is None and resume.is_json_document:
            resume.stream.close()
            res.note = "a JSON document, not JSON lines: not read (an invoice? `llmcost invoices import`)"
            return res
        try:
            self._load_stream(ingest_id, display, resume, res, progress)
            if res.counts.ignored and not res.counts.loaded and not res.counts.rejected and not res.error:
                res.hint = diagnose_input(plan.opener, self.fields, self.cfg.ingest.request_events)
        except OSError as e:
            if e.errno in _WAREHOUSE_FULL:  # writing a segment, not reading the input, failed
                raise StorageError(write_failed(self.wh.path, e.strerror or str(e))) from None
            res.error = f"I/O error: {e.strerror or e}"
        finally:
            resume.stream.close()
        return res

    def _load_stream(
        self, ingest_id: int, display: str, resume: Resume, res: FileResult, progress: Progress | None
    ) -> None:
        ic = self.cfg.ingest
        batcher = line_batches(resume, ic, take_partial=self.take_partial)
        source_id = resume.source_id
        tail = resume.window
        # Batch N+1 is read and staged on a second core (pipeline.py) while this thread loads
        # batch N on the loader's connection: de-duplicate, price, write, commit, in order.
        ahead = pipeline.Prefetch(batcher, self._ahead(), ic.max_line_bytes)
        try:
            for staged in ahead:
                tail = (tail + staged.window)[-TAIL_WINDOW:]
                pipeline.show(self.con, staged.slot)
                crashpoint("ingest.staging")
                pending = _Pending(
                    staged.table, commit.BatchEnd(staged.end, staged.last_line, tail), staged.size
                )
                source_id = self._finish(ingest_id, source_id, resume, display, res, pending, progress)
                ahead.done()
        finally:
            ahead.close()
        res.source_id = source_id
        res.pending_bytes = batcher.tail.pending_bytes
        coded = formats.transcoded(resume.stream)
        if coded is not None:
            res.pending_bytes += coded.held_back
            st = coded.stats
            if st.expanded:
                res.note = f"{st.kind}: {st.units} input {_unit(st.kind, st.units, st.unit)} gave {st.records} records"
        if batcher.tail.damage:
            res.error = f"{batcher.tail.damage} (at decompressed byte {batcher.tail.damage_offset})"
        if source_id is not None:
            commit.source_seen(self.con, source_id, display, res.pending_bytes, datetime.now(UTC))

    def _finish(
        self,
        ingest_id: int,
        source_id: int | None,
        resume: Resume,
        display: str,
        res: FileResult,
        pending: _Pending,
        progress: Progress | None,
    ) -> int:
        if source_id is None:
            source_id = commit.new_source(
                self.con, resume.head_fp, display, ingest_id, res.format, datetime.now(UTC)
            )
        res.counts.add(self._load_batch(ingest_id, source_id, display, pending.table, pending.end))
        if progress is not None:
            progress(pending.size)
        return source_id

    # -- one batch ----------------------------------------------------------------------------
    def _load_batch(
        self,
        ingest_id: int,
        source_id: int,
        display: str,
        table: pa.Table,
        end: commit.BatchEnd,
    ) -> Counts:
        con = self.con
        con.register("batch_lines", table)
        try:
            c = Counts(read=table.num_rows)
            kinds = {str(k): int(n) for k, n in SQL.run(con, "staged_kinds")}
            c.ignored = kinds.get("ignored", 0)
            c.rejected = kinds.get("rejected", 0)
            written: list[tuple[str, segments.WrittenSegment]] = []
            conflict_kinds = []
            for kind, label in dedup.KINDS:
                of_kind = kinds.get(label, 0)
                if not of_kind:
                    continue
                fresh = dedup.fresh(con, kind, label, source_id, ingest_id)
                if fresh.loaded:
                    if kind == "requests":
                        price(con, self.pricer, "fresh_requests")
                    seg = segments.write_segment(
                        con, self.wh.segment_dir, kind, SQL.render("fresh_rows", kind=kind)
                    )
                    written.append((kind, seg))
                conflicting = (
                    dedup.conflicts(con, kind, label, source_id, ingest_id) if of_kind > fresh.loaded else 0
                )
                if conflicting:
                    conflict_kinds.append(kind)
                    c.conflicting += conflicting
                if kind == "requests":
                    c.loaded_requests = fresh.loaded
                else:
                    c.loaded_outcomes = fresh.loaded
                c.naive_ts += fresh.naive_ts
                c.duplicate += of_kind - fresh.loaded
            c.bytes = end.offset - int(table.column("byte_offset")[0].as_py()) if table.num_rows else 0
            # no retire-on-error here: after COMMIT the files are the warehouse's (commit_batch)
            commit.commit_batch(
                con,
                self.wh.segment_dir,
                ingest_id=ingest_id,
                source_id=source_id,
                display=display,
                counts=c,
                written=written,
                end=end,
                conflict_kinds=conflict_kinds,
                now=datetime.now(UTC),
                on_commit=lambda: self._committed(c),
            )
            return c
        finally:
            con.unregister("batch_lines")


def _unit(kind: str, n: int, given: str | None = None) -> str:
    unit = given or ("message" if kind == "otlp-proto" else "row" if kind == "csv" else "line")
    return unit if n == 1 else unit + "s"
