"""`llmcost ingest --engine spark`: Spark does the heavy part, llmcost keeps the ledger.

Who does what:

- llmcost (the driver, DuckDB) decides what to read exactly as the default loader does: each
  input's format and resume point (plan.py, sources.py), then reads its new bytes once to find
  where its complete lines end, how many there are, the fingerprint of the last 4 KiB (the resume
  check), and where to cut it into chunks of whole lines (`scan`). That is a byte scan, no parsing.
- Spark runs one task per chunk. A task stages its lines with the same code and SQL as the
  default loader (lines.py, batch.py, stage.py and stage.sql on an in-memory DuckDB inside the
  task), maps them to canonical rows with requests.sql / outcomes.sql and writes them as Parquet,
  one file per chunk. Spark then marks each line fresh when its key is not in the warehouse (a
  join with the key tables, exported as Parquet) and it is its key's first sighting
  (spark_fresh.sql, transpiled by warehouse/engine.py); only keys and line places are shuffled.
  All of it goes under `<segments>/spark/<id>.tmp`, renamed to `<segments>/spark/<id>` when
  Spark's work succeeded. `<id>` is the id the run's first segment will get.
- llmcost joins the marks with the tasks' Parquet, prices the new request rows with the ordinary
  DuckDB price step, writes them as an ordinary segment file, and commits everything in ONE
  DuckDB transaction: the segments and their keys, the rejects and conflicts, every source's new
  offset and the run's counts (commit.py's statements). Then the Spark folder goes.

Exactly once: nothing is visible until that transaction commits. A crash or a failure before it
leaves a Spark folder that no ledger entry covers; the next `--engine spark` run deletes every
folder under `<segments>/spark/` before it starts (`sweep`). Deleting is always right: the ledger
did not advance, so the rerun reads the same lines again and derives the same rows, while adopting
a folder would mean trusting that the warehouse's keys and offsets did not change in between (a
default-engine ingest may have run). A crash after COMMIT leaves a folder whose rows are already
in a registered segment: deleted too.

Scope (a prototype): local JSON-lines files, plain or compressed, with `--source auto`; any other
input is refused before anything is recorded. Conflicting duplicates are recorded as the default
loader records them (Spark writes the lines it did not keep; DuckDB compares them with the kept
records; only their lines' text is read back from the inputs). See docs/scale.md.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmcost import interrupts
from llmcost.errors import UsageError
from llmcost.faults import crashpoint
from llmcost.ingest import commit
from llmcost.ingest.batch import RAW_CAP, printable, to_arrow
from llmcost.ingest.dedup import KEYS
from llmcost.ingest.discover import Input, Skipped
from llmcost.ingest.fields import FieldMap
from llmcost.ingest.lines import LineBatcher
from llmcost.ingest.load import EARLIEST, Loader
from llmcost.ingest.plan import Plan, plan_file
from llmcost.ingest.price import price
from llmcost.ingest.results import Counts, FileResult, IngestResult
from llmcost.ingest.sources import TAIL_WINDOW, Resume, tail_fingerprint
from llmcost.ingest.stage import Stager
from llmcost.ingest.streams import ByteStream, ExpansionLimit, StreamDamaged, open_stream
from llmcost.redact import SECRET_PATTERN
from llmcost.warehouse import segments
from llmcost.warehouse.sql import SqlFiles, literal

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa
    from pyspark.sql import SparkSession

    from llmcost.config import IngestConfig

SQL = SqlFiles("llmcost.ingest")
WORK = "spark"  # under the segment folder
CHUNK_BYTES = 32 << 20  # a task's share of a plain file (a compressed file is one task)
_READ = 4 << 20
# the kinds Spark loads: (table, staged label, identity column, column prefix in the task's rows)
_KINDS = (("requests", "request", "request_id", "r_"), ("outcomes", "outcome", "event_id", "o_"))
# the task's own columns, ahead of the kinds' canonical columns
_COMMON = (
    ("file_idx", "int32"),
    ("kind", "string"),
    ("line_no", "int64"),
    ("byte_offset", "int64"),
    ("_key", "string"),
    ("event", "string"),
    ("reason", "string"),
    ("detail", "string"),
    ("raw", "string"),
)


def refusal(display: str, fmt: str) -> str:
    return f"--engine spark reads flat JSON lines; {display} is {fmt}: ingest it without --engine"


# -- the driver's byte scan ---------------------------------------------------------------------


@dataclass(frozen=True)
class Scan:
    cuts: list[tuple[int, int]]  # (offset, number of its first line) where each chunk starts
    end: int  # offset after the last complete line
    lines: int  # complete lines from the resume point to `end`
    tail: bytes  # the (up to) 4 KiB before `end`
    pending: int  # bytes after `end` (an unfinished last line of a plain file)


def scan(resume: Resume, *, whole: bool, chunk_bytes: int) -> Scan:
    """Read the stream from the resume point to its end once: where its complete lines end, how
    many, and where to cut it into chunks of whole lines (never, for a compressed stream: a task
    cannot seek into it). `whole`: a last line without a newline counts (a finished stream)."""
    stream = resume.stream
    pos = start = resume.offset
    lines = 0
    last_end = start  # after the last newline seen
    window = resume.window[-TAIL_WINDOW:]  # the bytes before `pos`
    tail_at_end = window
    cuts = [(start, resume.line_no)]
    splittable = stream.compression == "plain"
    while True:
        block = stream.read(min(_READ, chunk_bytes))
        if not block:
            break
        nl = block.rfind(b"\n")
        if nl >= 0:
            lines += block.count(b"\n")
            last_end = pos + nl + 1
            tail_at_end = (window + block[: nl + 1])[-TAIL_WINDOW:]
        pos += len(block)
        window = (window + block)[-TAIL_WINDOW:]
        if splittable and last_end - cuts[-1][0] >= chunk_bytes and last_end < pos:
            cuts.append((last_end, resume.line_no + lines))
    end, tail = last_end, tail_at_end
    if pos > last_end and whole:
        end, tail, lines = pos, window, lines + 1
    if cuts[-1][0] >= end and len(cuts) > 1:
        cuts.pop()
    return Scan(cuts, end, lines, tail, pos - end)


# -- the Spark task -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """What every task needs (pickled to the executors)."""

    ingest: IngestConfig
    now: datetime
    ingest_id: int
    limit: ExpansionLimit
    arrow_schema: pa.Schema  # the rows a task writes (`row_schema`)
    columns: dict[str, list[str]]  # kind -> its canonical columns, in order
    out: str  # the run's Spark folder


class _Window(ByteStream):
    """Exactly `n` bytes of a stream."""

    def __init__(self, inner: ByteStream, n: int) -> None:
        self._inner = inner
        self._left = n
        self.position = 0
        self.compression = inner.compression

    def read(self, n: int) -> bytes:
        out = self._inner.read(min(n, self._left)) if self._left > 0 else b""
        self._left -= len(out)
        self.position += len(out)
        return out

    def readinto(self, view: memoryview) -> int:
        out = self.read(len(view))
        view[: len(out)] = out
        return len(out)

    def close(self) -> None:
        self._inner.close()


def stage_chunk(job: Job, chunk: dict[str, Any]) -> list[tuple[int, str, int]]:
    """The task: stage one chunk's lines with DuckDB, as the default loader does, and write its
    canonical rows and its rejected and ignored lines, in one Arrow schema, to
    `<out>/staged/<chunk>.parquet` (temp name, then rename: a retried task replaces it whole).
    Returns (file, kind, lines) for the kinds its lines fell into."""
    import duckdb
    import pyarrow.parquet as pq

    target = Path(job.out) / "staged" / f"{chunk['chunk']:06d}.parquet"
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    con = duckdb.connect()
    kinds: dict[str, int] = {}
    try:
        stager = Stager(
            con,
            FieldMap(job.ingest.aliases, job.ingest.containers),
            job.ingest,
            now=job.now,
            earliest=EARLIEST,
        )
        with pq.ParquetWriter(tmp, job.arrow_schema, compression="snappy") as out:
            for table in _stage_chunk(con, stager, job, chunk):
                out.write_table(table)
                for kind, n in SQL.run(con, "staged_kinds"):
                    kinds[str(kind)] = kinds.get(str(kind), 0) + int(n)
        os.replace(tmp, target)
    finally:
        con.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return [(int(chunk["file_idx"]), kind, n) for kind, n in kinds.items()]


def _stage_chunk(
    con: duckdb.DuckDBPyConnection, stager: Stager, job: Job, chunk: dict[str, Any]
) -> Iterator[pa.Table]:
    fh = open(chunk["path"], "rb")  # noqa: SIM115 - closed by the stream
    stream = open_stream(fh, fh.peek(4)[:4], job.limit)
    try:
        stream.skip(chunk["start"])
        batcher = LineBatcher(
            _Window(stream, chunk["end"] - chunk["start"]),
            start_offset=chunk["start"],
            start_line=chunk["first_line"],
            batch_bytes=job.ingest.batch_bytes,
            max_line=job.ingest.max_line_bytes,
            take_partial=True,  # the driver ended the chunk after a complete line
        )
        for batch in batcher:
            stager.stage_here(to_arrow(batch, job.ingest.max_line_bytes))
            yield _rows(con, job, chunk)
    finally:
        stream.close()


def _rows(con: duckdb.DuckDBPyConnection, job: Job, chunk: dict[str, Any]) -> pa.Table:
    import pyarrow as pa

    params = {"source_id": chunk["source_id"], "ingest_id": job.ingest_id}
    parts = []
    for kind, label, _, prefix in _KINDS:
        t = con.sql(
            SQL.render("spark_kind_rows", select=SQL.fragment(kind)), params={**params, "label": label}
        ).to_arrow_table()
        cols = {f"{prefix}{c}": t.column(c) for c in job.columns[kind]}
        cols |= {"kind": pa.repeat(label, t.num_rows), "line_no": t.column("_line"), "_key": t.column("_key")}
        cols["byte_offset"] = t.column("source_offset")
        if kind == "outcomes":
            cols["event"] = t.column("event")
        parts.append(cols)
    other = con.sql(SQL.text("spark_other_rows")).to_arrow_table()
    parts.append({c: other.column(c) for c in other.column_names})
    schema = job.arrow_schema
    tables = []
    for cols in parts:
        n = len(next(iter(cols.values())))
        cols["file_idx"] = pa.repeat(chunk["file_idx"], n)
        arrays = [cols[f.name].cast(f.type) if f.name in cols else pa.nulls(n, f.type) for f in schema]
        tables.append(pa.Table.from_arrays(arrays, schema=schema))
    return pa.concat_tables(tables)


def row_schema(con: duckdb.DuckDBPyConnection) -> tuple[pa.Schema, dict[str, list[str]]]:
    """The Arrow schema of a task's rows, and each kind's canonical columns in order."""
    import pyarrow as pa

    fields = [pa.field(name, getattr(pa, typ)()) for name, typ in _COMMON]
    columns: dict[str, list[str]] = {}
    for kind, _, _, prefix in _KINDS:
        typed = con.sql(SQL.render("spark_columns", kind=kind)).to_arrow_table().schema
        columns[kind] = typed.names
        fields += [pa.field(prefix + f.name, f.type) for f in typed]
    return pa.schema(fields), columns


# -- the run --------------------------------------------------------------------------------------


@dataclass
class _File:
    idx: int
    display: str
    path: Path
    plan: Plan
    res: FileResult
    scan: Scan | None = None
    source_id: int | None = None


def sweep(seg_dir: Path) -> int:
    """Delete every Spark folder a run left (see the module's docstring: never adopted)."""
    work = seg_dir / WORK
    if not work.is_dir():
        return 0
    gone = 0
    for d in work.iterdir():
        shutil.rmtree(d, ignore_errors=True)
        gone += 1
    return gone


class SparkLoader(Loader):
    """The default loader's ledger and commit, with Spark staging, de-duplicating and writing."""

    def __init__(self, *args: Any, spark: SparkSession, chunk_bytes: int | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if self.source != "auto":
            raise UsageError(f"--engine spark reads --source auto only, not {self.source!r}")
        self.spark = spark
        self.chunk_bytes = chunk_bytes or CHUNK_BYTES
        self._columns: dict[str, list[str]] = {}  # kind -> its canonical columns

    def run(
        self, inputs: list[Input], skipped: list[Skipped], *, argv: str = "", progress: Any = None
    ) -> IngestResult:
        files = self._plan(inputs)  # refuses what Spark does not read before anything is recorded
        try:
            return self._run(files, skipped, argv)
        finally:
            for f in files:
                if f.plan.resume is not None:
                    f.plan.resume.stream.close()

    def _plan(self, inputs: list[Input]) -> list[_File]:
        files: list[_File] = []
        try:
            for idx, inp in enumerate(inputs):
                if inp.path is None:
                    raise UsageError(refusal(inp.display, "not a local file"))
                plan = plan_file(
                    self.con,
                    inp.path,
                    inp.display,
                    source="auto",
                    otlp=self.otlp,
                    limit=self.limit,
                    take_partial=self.take_partial,
                )
                files.append(
                    _File(idx, inp.display, inp.path, plan, FileResult(inp.display, format=plan.format))
                )
                fmt = plan.format
                if plan.resume is not None and plan.resume.source_id is None and plan.resume.is_json_document:
                    fmt = "a JSON document"
                if fmt != "jsonl":
                    raise UsageError(refusal(inp.display, fmt))
        except BaseException:
            for f in files:
                if f.plan.resume is not None:
                    f.plan.resume.stream.close()
            raise
        return files

    def _run(self, files: list[_File], skipped: list[Skipped], argv: str) -> IngestResult:
        started = datetime.now(UTC)
        sweep(self.wh.segment_dir)
        ingest_id = commit.start_run(self.con, started, argv)
        chunks = []
        for f in files:
            resume = f.plan.resume
            if resume is None:
                f.res.note = "no complete line yet"
                f.res.pending_bytes = f.path.stat().st_size
                continue
            f.res.resumed_at = resume.offset
            f.source_id = f.res.source_id = resume.source_id
            whole = self.take_partial or resume.stream.compression != "plain"
            try:
                f.scan = scan(resume, whole=whole, chunk_bytes=self.chunk_bytes)
            except (OSError, StreamDamaged) as e:
                f.res.error = f"cannot read: {e}"
                continue
            f.res.pending_bytes = f.scan.pending
            if f.scan.lines == 0:
                continue
            if f.source_id is None:
                f.source_id = f.res.source_id = commit.new_source(
                    self.con, resume.head_fp, f.display, ingest_id, f.res.format, datetime.now(UTC)
                )
            bounds = [*f.scan.cuts[1:], (f.scan.end, 0)]
            chunks += [
                {
                    "file_idx": f.idx,
                    "path": str(f.path),
                    "start": start,
                    "end": bounds[i][0],
                    "first_line": line,
                    "source_id": f.source_id,
                }
                for i, (start, line) in enumerate(f.scan.cuts)
            ]
        if chunks:
            self._load(ingest_id, files, chunks)
        for f in files:
            if f.source_id is not None:
                commit.source_seen(self.con, f.source_id, f.display, f.res.pending_bytes, datetime.now(UTC))
        finished = datetime.now(UTC)
        results = [f.res for f in files]
        totals = Counts()
        for r in results:
            totals.add(r.counts)
        status = "ok" if not any(r.error for r in results) and not skipped else "partial"
        commit.finish_run(self.con, ingest_id, finished, status, len(files))
        return IngestResult(ingest_id, results, skipped, totals, started, finished)

    # -- Spark's part -------------------------------------------------------------------------------
    def _load(self, ingest_id: int, files: list[_File], chunks: list[dict[str, Any]]) -> None:
        con = self.con
        seg_dir = self.wh.segment_dir
        row = SQL.run(con, "spark_segment_id")
        seg_id = int(row[0][0]) if row else 1
        work = seg_dir / WORK
        work.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp, final = work / f"{seg_id:08d}.tmp", work / f"{seg_id:08d}"
        tmp.mkdir(mode=0o700)
        schema, columns = row_schema(con)
        self._columns = columns
        for kind, _, _, _ in _KINDS:
            con.execute(
                SQL.render(
                    "spark_known_keys", keys=KEYS[kind], path=literal(str(tmp / f"known_{kind}.parquet"))
                )
            )
        job = Job(self.cfg.ingest, self.now, ingest_id, self.limit, schema, columns, str(tmp))
        kinds = self._spark(job, chunks, tmp)
        os.replace(tmp, final)  # Spark's write succeeded: the folder is whole
        crashpoint("spark.written")
        self._commit(ingest_id, files, final, kinds)
        shutil.rmtree(final, ignore_errors=True)

    def _spark(self, job: Job, chunks: list[dict[str, Any]], out: Path) -> dict[tuple[int, str], int]:
        """Stage the chunks (one task each), then per kind one job: mark which lines are fresh
        (spark_fresh.sql; only keys and line places are shuffled). Returns lines per (file, kind)."""
        from llmcost.warehouse.engine import to_spark

        spark = self.spark
        spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        (out / "staged").mkdir()
        tasks = [dict(c, chunk=i) for i, c in enumerate(chunks)]
        kinds: dict[tuple[int, str], int] = {}
        staging = spark.sparkContext.parallelize(tasks, len(tasks)).map(functools.partial(stage_chunk, job))
        for part in staging.collect():
            for idx, kind, n in part:
                kinds[(idx, kind)] = kinds.get((idx, kind), 0) + n
        spark.read.parquet(str(out / "staged")).createOrReplaceTempView("staged_all")
        for kind, label, _, _ in _KINDS:
            if not any(n for (_, k), n in kinds.items() if k == label):
                continue
            spark.read.parquet(str(out / f"known_{kind}.parquet")).createOrReplaceTempView(f"known_{kind}")
            sql = to_spark(SQL.render("spark_fresh", kind=kind))
            assert sql is not None
            spark.sql(sql, args={"label": label}).write.parquet(str(out / kind))
        return kinds

    # -- the ledger's part ---------------------------------------------------------------------------
    def _commit(
        self, ingest_id: int, files: list[_File], out: Path, kinds: dict[tuple[int, str], int]
    ) -> None:
        con = self.con
        seg_dir = self.wh.segment_dir
        written: list[tuple[str, segments.WrittenSegment]] = []
        total = Counts()
        stats: dict[str, dict[int, tuple[int, int]]] = {}
        try:
            conflicting: dict[str, tuple[dict[int, int], pa.Table] | None] = {}
            staged = literal(str(out / "staged" / "*.parquet"))
            for kind, label, id_col, prefix in _KINDS:
                stats[kind], conflicting[kind] = {}, None
                if not (out / kind).is_dir():
                    continue
                columns = ", ".join(f"s.{prefix}{c} AS {c}" for c in self._columns[kind])
                marks = literal(str(out / kind / "*.parquet"))
                SQL.run(con, "spark_marked", {"label": label}, columns=columns, staged=staged, marks=marks)
                counted = SQL.run(con, "spark_fresh_counts")
                stats[kind] = {int(i): (int(n), int(naive)) for i, n, naive in counted}
                loaded = sum(n for n, _ in stats[kind].values())
                if loaded:
                    SQL.run(con, "spark_fresh_load", kind=kind, id=id_col)
                    if kind == "requests":
                        price(con, self.pricer, "fresh_requests")
                    written.append(
                        (
                            kind,
                            segments.write_segment(con, seg_dir, kind, SQL.render("fresh_rows", kind=kind)),
                        )
                    )
                if sum(n for (_, k), n in kinds.items() if k == label) > loaded:
                    SQL.run(con, "spark_dups", kind=kind)
                    conflicting[kind] = self._conflicts(kind, files, fresh=loaded > 0)
            other = staged
            con.execute("BEGIN")
            for kind, found in conflicting.items():
                if found:
                    con.register("conflict_lines", found[1])
                    SQL.run(
                        con,
                        "spark_commit_conflicts",
                        {"ingest_id": ingest_id, "kind": kind, "secret": SECRET_PATTERN, "cap": RAW_CAP},
                        kind=kind,
                    )
                    con.unregister("conflict_lines")
            for kind, seg in written:
                SQL.run(con, "commit_keys", kind=kind, keys=KEYS[kind])
                SQL.run(
                    con,
                    "commit_segment",
                    {
                        "kind": kind,
                        "file": seg.file,
                        "rows": seg.rows,
                        "ingest_id": ingest_id,
                        "now": self.now,
                    },
                    kind=kind,
                )
            if written:
                segments.rebuild_views(con, seg_dir)
            now = datetime.now(UTC)
            for f in files:
                if f.scan is None or f.source_id is None or not f.scan.lines:
                    continue
                c = self._counts(f, kinds, stats)
                c.conflicting = sum(found[0].get(f.idx, 0) for found in conflicting.values() if found)
                f.res.counts, f.res.source_id = c, f.source_id
                total.add(c)
                where = {"ingest_id": ingest_id, "source_id": f.source_id, "path": f.display}
                if c.rejected:
                    SQL.run(con, "spark_other_load", {"file_idx": f.idx}, files=other)
                    SQL.run(con, "commit_rejects", {**where, "secret": SECRET_PATTERN, "cap": RAW_CAP})
                SQL.run(
                    con,
                    "commit_source",
                    {
                        **where,
                        "offset": f.scan.end,
                        "lines": _last_line(f),
                        "tail_fp": tail_fingerprint(f.scan.tail),
                        "read": c.read,
                        "loaded": c.loaded,
                        "duplicate": c.duplicate,
                        "ignored": c.ignored,
                        "rejected": c.rejected,
                        "now": now,
                    },
                )
            if total.ignored:
                SQL.run(con, "spark_other_load", {"file_idx": None}, files=other)
                SQL.run(con, "commit_ignored")
            SQL.run(
                con,
                "commit_ingest",
                {
                    "ingest_id": ingest_id,
                    "read": total.read,
                    "loaded_requests": total.loaded_requests,
                    "loaded_outcomes": total.loaded_outcomes,
                    "duplicate": total.duplicate,
                    "ignored": total.ignored,
                    "rejected": total.rejected,
                    "conflicting": total.conflicting,
                    "naive_ts": total.naive_ts,
                    "bytes": total.bytes,
                },
            )
            crashpoint("commit.before")
            with interrupts.deferred():
                con.execute("COMMIT")
                self._committed(total)
        except BaseException:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            segments.retire(seg_dir, [seg.file for _, seg in written])
            raise
        crashpoint("commit.after")

    def _conflicts(
        self, kind: str, files: list[_File], *, fresh: bool
    ) -> tuple[dict[int, int], pa.Table] | None:
        """The duplicates of `kind` (spark_dups_<kind>) whose content differs from the kept record,
        into the TEMP table spark_conflicts_<kind>: per file how many, and the text of their lines,
        read back from the inputs (conflicts are rare: only their lines are read). None: none."""
        import pyarrow as pa

        from llmcost.ingest.dedup import IDENTITY

        id_col, compare = IDENTITY[kind]
        SQL.run(
            self.con,
            "spark_conflicts",
            kind=kind,
            fresh=f"fresh_{kind}" if fresh else f"{kind}_columns",
            id=id_col,
            cols=", ".join(compare),
            differs=" OR ".join(f"d.{c} IS DISTINCT FROM k.{c}" for c in compare),
        )
        counts = {int(i): int(n) for i, n in SQL.run(self.con, "spark_conflict_counts", kind=kind)}
        if not counts:
            return None
        by_file: dict[int, list[tuple[int, int]]] = {}
        for idx, line_no, offset in SQL.run(self.con, "spark_conflict_rows", kind=kind):
            by_file.setdefault(int(idx), []).append((int(line_no), int(offset)))
        rows: dict[str, list[Any]] = {"file_idx": [], "path": [], "line_no": [], "line": []}
        for f in files:
            for line_no, text in _read_lines(f.plan, by_file.get(f.idx, [])):
                rows["file_idx"].append(f.idx)
                rows["path"].append(f.display)
                rows["line_no"].append(line_no)
                rows["line"].append(text)
        return counts, pa.table(rows)

    def _counts(self, f: _File, kinds: dict[tuple[int, str], int], stats: dict[str, Any]) -> Counts:
        assert f.scan is not None
        c = Counts(
            read=sum(n for (i, _), n in kinds.items() if i == f.idx),
            ignored=kinds.get((f.idx, "ignored"), 0),
            rejected=kinds.get((f.idx, "rejected"), 0),
            bytes=f.scan.end - f.scan.cuts[0][0],
        )
        for kind, label, _, _ in _KINDS:
            loaded, naive = stats[kind].get(f.idx, (0, 0))
            if kind == "requests":
                c.loaded_requests = loaded
            else:
                c.loaded_outcomes = loaded
            c.naive_ts += naive
            c.duplicate += kinds.get((f.idx, label), 0) - loaded
        return c


def _read_lines(plan: Plan, at: list[tuple[int, int]]) -> Iterator[tuple[int, str]]:
    """(line number, text) of the lines at these (line number, offset)s, in offset order; each
    read up to RAW_CAP bytes (what `conflicts` keeps)."""
    if not at:
        return
    stream = plan.opener()
    pos, buf = 0, b""  # buf: the stream's bytes from `pos` on, read already
    try:
        for line_no, offset in at:
            if offset >= pos + len(buf):
                stream.skip(offset - pos - len(buf))
                pos, buf = offset, b""
            else:
                pos, buf = offset, buf[offset - pos :]
            while len(buf) <= RAW_CAP and b"\n" not in buf:
                chunk = stream.read(RAW_CAP + 1)
                if not chunk:
                    break
                buf += chunk
            yield line_no, printable(buf.split(b"\n", 1)[0])
    finally:
        stream.close()


def _last_line(f: _File) -> int:
    """The number of the file's last committed line."""
    assert f.scan is not None
    return f.scan.cuts[0][1] + f.scan.lines - 1
