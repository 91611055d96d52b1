"""Load inputs into the warehouse exactly once.

Per batch, in one DuckDB transaction: the new rows' segment is registered, their keys recorded,
rejects kept, the source's committed offset advanced and the run's counts added. Every line read
lands in exactly one bucket, so `read = loaded + duplicate + ignored + rejected` holds for each
batch, each file and each run, and a crash at any point loses or repeats nothing.

Duplicates: the first loaded record with a request_id (event_id) wins; later lines with the same
id are counted as duplicates, and those whose content differs are also kept in `conflicts`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from llmcost.config import Config
from llmcost.errors import ConfigError, StorageError
from llmcost.faults import crashpoint
from llmcost.ingest import formats
from llmcost.ingest.batch import RAW_CAP, to_arrow
from llmcost.ingest.diagnose import diagnose
from llmcost.ingest.discover import Input, Skipped
from llmcost.ingest.fields import FieldMap
from llmcost.ingest.formats.otlp import OtlpMapper
from llmcost.ingest.lines import LineBatcher
from llmcost.ingest.sources import TAIL_WINDOW, Resume, locate, tail_fingerprint
from llmcost.ingest.sqlfiles import render, sql
from llmcost.ingest.stage import Stager, prepare_connection
from llmcost.ingest.streams import ByteStream, ExpansionLimit, StreamDamaged, open_stream
from llmcost.redact import SECRET_PATTERN
from llmcost.warehouse import Warehouse, segments, write_failed

if TYPE_CHECKING:
    import duckdb

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# how much of a file that loaded nothing is looked at to say why
DIAGNOSE_BYTES = 1 << 20


@dataclass
class Counts:
    read: int = 0
    loaded_requests: int = 0
    loaded_outcomes: int = 0
    duplicate: int = 0
    ignored: int = 0
    rejected: int = 0
    conflicting: int = 0
    naive_ts: int = 0
    bytes: int = 0

    @property
    def loaded(self) -> int:
        return self.loaded_requests + self.loaded_outcomes

    @property
    def residual(self) -> int:
        return self.read - self.loaded - self.duplicate - self.ignored - self.rejected

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class FileResult:
    display: str
    counts: Counts = field(default_factory=Counts)
    source_id: int | None = None
    resumed_at: int = 0
    pending_bytes: int = 0
    error: str | None = None  # the input could not be read to its end (why, and where)
    note: str | None = None
    format: str = "jsonl"  # what the input was read as (ingest/formats)
    hint: str | None = None  # nothing loaded: what the lines looked like, the setting that reads them


@dataclass
class IngestResult:
    ingest_id: int
    files: list[FileResult]
    skipped: list[Skipped]
    totals: Counts
    started_at: datetime
    finished_at: datetime

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


Progress = Callable[[int], None]  # called with bytes consumed


class Loader:
    def __init__(
        self,
        wh: Warehouse,
        cfg: Config,
        *,
        take_partial: bool = False,
        pricer: Callable[[duckdb.DuckDBPyConnection, str], None] | None = None,
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
        # staging runs on its own connection, one batch ahead of the rest (see _load_stream)
        self.stager = Stager(self.con.cursor(), self.fields, cfg.ingest, now=self.now, earliest=EARLIEST)
        self._select_sql = {"requests": sql("requests.sql"), "outcomes": sql("outcomes.sql")}

    # -- run ----------------------------------------------------------------------------------
    def run(
        self, inputs: list[Input], skipped: list[Skipped], *, argv: str = "", progress: Progress | None = None
    ) -> IngestResult:
        started = datetime.now(UTC)
        ingest_id = self._start(started, argv)
        results = []
        totals = Counts()
        for inp in inputs:
            with _materialised(inp) as (path, display):
                res = self._load_file(ingest_id, path, display, progress)
            results.append(res)
            totals.add(res.counts)
        finished = datetime.now(UTC)
        status = "ok" if not any(r.error for r in results) and not skipped else "partial"
        self.con.execute(
            "UPDATE ingests SET finished_at = ?, status = ?, files = ? WHERE ingest_id = ?",
            [finished, status, len(inputs), ingest_id],
        )
        return IngestResult(ingest_id, results, skipped, totals, started, finished)

    def _start(self, started: datetime, argv: str) -> int:
        self.con.execute("BEGIN")
        row = self.con.execute("SELECT coalesce(max(ingest_id), 0) + 1 FROM ingests").fetchone()
        ingest_id = int(row[0]) if row else 1
        self.con.execute(
            "INSERT INTO ingests VALUES (?, ?, NULL, 'running', ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)",
            [ingest_id, started, argv],
        )
        self.con.execute("COMMIT")
        return ingest_id

    def _diagnose(self, opener: Callable[[], ByteStream]) -> str | None:
        """For a file whose every line was ignored: what its lines looked like, and the setting
        that would read them (ingest/diagnose.py), from its first lines."""
        stream = opener()
        try:
            head = b""
            while len(head) < DIAGNOSE_BYTES and (piece := stream.read(DIAGNOSE_BYTES - len(head))):
                head += piece
        except (OSError, StreamDamaged):
            return None
        finally:
            stream.close()
        lines = head.split(b"\n")[:-1] or [head]
        hint = diagnose(lines, self.fields, self.cfg.ingest.request_events)
        return hint.text() if hint is not None else None

    # -- one file -----------------------------------------------------------------------------
    def _load_file(self, ingest_id: int, path: Path, display: str, progress: Progress | None) -> FileResult:
        res = FileResult(display)

        def decompressed() -> ByteStream:
            fh = open(path, "rb")  # noqa: SIM115 - closed by the stream
            head = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
            return open_stream(fh, head, self.limit)

        try:
            probe = decompressed()
            try:
                head = formats.read_head(probe)
            finally:
                probe.close()
            found = formats.detect(head, display, self.source, self.otlp, take_partial=self.take_partial)

            def opener() -> ByteStream:
                stream = decompressed()
                return found.make(stream) if found.make is not None else stream

            resume = locate(self.con, opener, take_partial=self.take_partial)
        except OSError as e:
            res.error = f"cannot read: {e.strerror or e}"
            return res
        res.format = found.format
        if resume is None:
            res.note = "no complete line yet"
            with contextlib.suppress(OSError):
                res.pending_bytes = path.stat().st_size
            return res
        res.resumed_at = resume.offset
        if resume.source_id is None and resume.is_json_document:
            resume.stream.close()
            res.note = "a JSON document, not JSON lines: not read (an invoice? `llmcost invoices import`)"
            return res
        self.stager.default_provider = formats.SOURCE_PROVIDER.get(self.source)
        try:
            self._load_stream(ingest_id, path, display, resume, res, progress)
            if res.counts.ignored and not res.counts.loaded and not res.counts.rejected and not res.error:
                res.hint = self._diagnose(opener)
        except OSError as e:
            if e.errno in _WAREHOUSE_FULL:  # writing a segment, not reading the input, failed
                raise StorageError(write_failed(self.wh.path, e.strerror or str(e))) from None
            res.error = f"I/O error: {e.strerror or e}"
        finally:
            resume.stream.close()
        return res

    def _load_stream(
        self,
        ingest_id: int,
        path: Path,
        display: str,
        resume: Resume,
        res: FileResult,
        progress: Progress | None,
    ) -> None:
        ic = self.cfg.ingest
        batcher = LineBatcher(
            resume.stream,
            start_offset=resume.offset,
            start_line=resume.line_no,
            batch_bytes=ic.batch_bytes,
            max_line=ic.max_line_bytes,
            take_partial=self.take_partial or resume.stream.compression != "plain",
        )
        source_id = resume.source_id
        tail = resume.window
        # Two-stage pipeline: while batch N is de-duplicated, priced, written and committed here,
        # batch N+1 is staged on the stager's connection in a worker thread (DuckDB releases the
        # GIL). Commits stay strictly in order, so crash safety is unchanged.
        pending: tuple[Future[Any], Any, int, int, bytes, int] | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="llmcost-stage") as pool:
            try:
                for batch in batcher:
                    # own copy of the bytes: the batcher reuses its buffer for the next batch
                    table = to_arrow(batch, ic.max_line_bytes, copy=True)
                    end_rel = batch.end - batch.start
                    tail = (tail + batch.data[max(0, end_rel - TAIL_WINDOW) : end_rel].tobytes())[
                        -TAIL_WINDOW:
                    ]
                    last_line = batch.first_line + len(batch.starts) + len(batch.oversize) - 1
                    staged = pool.submit(self.stager.stage, table)
                    crashpoint("ingest.staging")
                    if pending is not None:
                        source_id = self._finish(
                            ingest_id, source_id, resume, display, res, pending, progress
                        )
                    pending = (staged, table, batch.end, last_line, tail, batch.end - batch.start)
                if pending is not None:
                    source_id = self._finish(ingest_id, source_id, resume, display, res, pending, progress)
                    pending = None
            finally:
                if pending is not None:
                    pending[0].cancel()
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
            self.con.execute(
                "UPDATE sources SET pending_bytes = ?, path = ?, last_seen = ? WHERE source_id = ?",
                [res.pending_bytes, display, datetime.now(UTC), source_id],
            )

    def _finish(
        self,
        ingest_id: int,
        source_id: int | None,
        resume: Resume,
        display: str,
        res: FileResult,
        pending: tuple[Future[Any], Any, int, int, bytes, int],
        progress: Progress | None,
    ) -> int:
        staged_future, table, end, last_line, tail, size = pending
        staged = staged_future.result()
        if source_id is None:
            source_id = self._new_source(resume.head_fp, display, ingest_id, res.format)
        res.counts.add(self._load_batch(ingest_id, source_id, display, table, staged, end, last_line, tail))
        if progress is not None:
            progress(size)
        return source_id

    def _new_source(self, head_fp: str, display: str, ingest_id: int, fmt: str) -> int:
        row = self.con.execute("SELECT coalesce(max(source_id), 0) + 1 FROM sources").fetchone()
        source_id = int(row[0]) if row else 1
        now = datetime.now(UTC)
        self.con.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, ?, ?, ?)",
            [source_id, head_fp, tail_fingerprint(b""), display, fmt, now, now, ingest_id],
        )
        return source_id

    # -- one batch ----------------------------------------------------------------------------
    def _load_batch(
        self,
        ingest_id: int,
        source_id: int,
        display: str,
        table: Any,
        staged: Any,
        end_offset: int,
        last_line: int,
        tail: bytes,
    ) -> Counts:
        con = self.con
        con.register("batch_lines", table)
        con.register("staged", staged)
        try:
            c = Counts(read=table.num_rows)
            kinds = dict(con.execute("SELECT kind, count(*) FROM staged GROUP BY kind").fetchall())
            c.ignored = int(kinds.get("ignored", 0))
            c.rejected = int(kinds.get("rejected", 0))
            written: list[tuple[str, segments.WrittenSegment]] = []
            conflict_kinds = []
            for kind, label in (("requests", "request"), ("outcomes", "outcome")):
                staged = int(kinds.get(label, 0))
                if not staged:
                    continue
                select = _bind_view(self._select_sql[kind], source_id, ingest_id)
                loaded, naive = self._dedupe(kind, label, select)
                if loaded:
                    if kind == "requests" and self.pricer is not None:
                        self.pricer(con, "fresh_requests")
                    seg = segments.write_segment(
                        con,
                        self.wh.segment_dir,
                        kind,
                        f"SELECT * EXCLUDE (_key) FROM fresh_{kind}",  # noqa: S608 - kind is ours
                    )
                    written.append((kind, seg))
                conflicting = self._find_conflicts(kind, label, select) if staged > loaded else 0
                if conflicting:
                    conflict_kinds.append(kind)
                    c.conflicting += conflicting
                if kind == "requests":
                    c.loaded_requests = loaded
                else:
                    c.loaded_outcomes = loaded
                c.naive_ts += naive
                c.duplicate += staged - loaded
            c.bytes = end_offset - int(table.column("byte_offset")[0].as_py()) if table.num_rows else 0
            try:
                self._commit(
                    ingest_id, source_id, display, c, written, end_offset, last_line, tail, conflict_kinds
                )
            except BaseException:
                segments.retire(self.wh.segment_dir, [seg.file for _, seg in written])
                raise
            return c
        finally:
            con.unregister("batch_lines")
            con.unregister("staged")

    def _dedupe(self, kind: str, label: str, select: str) -> tuple[int, int]:
        """fresh_<kind>: the staged rows of this kind whose id was never loaded (first sighting
        in the batch). Returns (loaded, naive timestamps among them)."""
        con = self.con
        row = con.execute(
            "SELECT count(*) - count(DISTINCT record_id) FROM staged WHERE kind = ?", [label]
        ).fetchone()
        repeats = bool(row and row[0])
        con.execute(
            render(
                "fresh.sql",
                kind=kind,
                label=label,
                select=select,
                keys=_KEYS[kind],
                first_only="QUALIFY row_number() OVER (PARTITION BY s._key ORDER BY s.line_no) = 1"
                if repeats
                else "",
            )
        )
        row = con.execute(render("fresh_counts.sql", kind=kind)).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    def _find_conflicts(self, kind: str, label: str, select: str) -> int:
        """Duplicates whose content differs from the record that was kept."""
        id_col, compare = _IDENTITY[kind]
        query = render(
            "conflicts.sql",
            kind=kind,
            label=label,
            select=select,
            id=id_col,
            cols=", ".join(compare),
            differs=" OR ".join(f"d.{c} IS DISTINCT FROM k.{c}" for c in compare),
        )
        self.con.execute(query)
        row = self.con.execute(render("conflict_count.sql", kind=kind)).fetchone()
        return int(row[0]) if row else 0

    def _commit(
        self,
        ingest_id: int,
        source_id: int,
        display: str,
        c: Counts,
        written: list[tuple[str, segments.WrittenSegment]],
        end_offset: int,
        last_line: int,
        tail: bytes,
        conflict_kinds: list[str],
    ) -> None:
        con = self.con
        now = datetime.now(UTC)
        where = {"ingest_id": ingest_id, "source_id": source_id, "path": display}
        redact = {"secret": SECRET_PATTERN, "cap": RAW_CAP}
        con.execute("BEGIN")
        try:
            for kind, seg in written:
                con.execute(render("commit_keys.sql", kind=kind, keys=_KEYS[kind]))
                con.execute(
                    render("commit_segment.sql", kind=kind),
                    {"kind": kind, "file": seg.file, "rows": seg.rows, "ingest_id": ingest_id, "now": now},
                )
            if written:
                segments.rebuild_views(con, self.wh.segment_dir)
            if c.rejected:
                con.execute(sql("commit_rejects.sql"), {**where, **redact})
            for kind in conflict_kinds:
                con.execute(render("commit_conflicts.sql", kind=kind), {**where, **redact, "kind": kind})
            if c.ignored:
                con.execute(sql("commit_ignored.sql"))
            con.execute(
                sql("commit_source.sql"),
                {
                    **where,
                    "offset": end_offset,
                    "lines": last_line,
                    "tail_fp": tail_fingerprint(tail),
                    "read": c.read,
                    "loaded": c.loaded,
                    "duplicate": c.duplicate,
                    "ignored": c.ignored,
                    "rejected": c.rejected,
                    "now": now,
                },
            )
            con.execute(
                sql("commit_ingest.sql"),
                {
                    "ingest_id": ingest_id,
                    "read": c.read,
                    "loaded_requests": c.loaded_requests,
                    "loaded_outcomes": c.loaded_outcomes,
                    "duplicate": c.duplicate,
                    "ignored": c.ignored,
                    "rejected": c.rejected,
                    "conflicting": c.conflicting,
                    "naive_ts": c.naive_ts,
                    "bytes": c.bytes,
                },
            )
            crashpoint("commit.before")
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            raise
        crashpoint("commit.after")


_KEYS = {"requests": "request_keys", "outcomes": "outcome_keys"}
# errors that come from the warehouse's disk, never from reading an input
_WAREHOUSE_FULL = (errno.ENOSPC, errno.EROFS, errno.EDQUOT)
# (identity column, columns that must agree for a repeat to be a plain duplicate)
_IDENTITY = {
    "requests": (
        "request_id",
        [
            "ts",
            "model",
            "provider",
            "input_tokens",
            "cached_input_tokens",
            "cache_write_tokens",
            "output_tokens",
            "reasoning_tokens",
            "outcome",
            "logged_cost_usd",
            "tenant_id",
            "feature",
            "user_id",
            "trace_id",
        ],
    ),
    "outcomes": (
        "event_id",
        ["ts", "event", "request_id", "trace_id", "tenant_id", "feature", "user_id", "value"],
    ),
}


def _unit(kind: str, n: int, given: str | None = None) -> str:
    unit = given or ("message" if kind == "otlp-proto" else "row" if kind == "csv" else "line")
    return unit if n == 1 else unit + "s"


def _bind_view(sql: str, source_id: int, ingest_id: int) -> str:
    """The canonical-row SELECT list is spliced into fresh.sql and conflicts.sql, which run without
    parameters: the two integers are written in (they are ours, never input)."""
    return sql.replace("$source_id", str(int(source_id))).replace("$ingest_id", str(int(ingest_id)))


@contextlib.contextmanager
def _materialised(inp: Input) -> Iterator[tuple[Path, str]]:
    """Standard input is spooled to a private temp file so it can be read like any file."""
    if inp.path is not None:
        yield inp.path, inp.display
        return
    fd, name = tempfile.mkstemp(prefix="llmcost-stdin-")
    try:
        with os.fdopen(fd, "wb") as out:
            src: IO[bytes] = sys.stdin.buffer
            shutil.copyfileobj(src, out, 1 << 20)
        yield Path(name), inp.display
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
