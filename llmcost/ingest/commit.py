"""The ledger: runs, sources, and the one transaction that commits a batch.

Per batch, in one DuckDB transaction: the new rows' segments are registered and their keys
recorded, rejects and conflicting duplicates kept, the source's committed offset advanced and the
run's counts added. A row is visible exactly when the offset that covers it is committed, so a
crash at any point (see the crash points below and llmcost/faults.py) loses or repeats nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from llmcost import interrupts
from llmcost.faults import crashpoint
from llmcost.ingest.batch import RAW_CAP
from llmcost.ingest.dedup import KEYS
from llmcost.ingest.results import Counts
from llmcost.ingest.sources import tail_fingerprint
from llmcost.redact import SECRET_PATTERN
from llmcost.warehouse import segments
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.ingest")


def start_run(con: duckdb.DuckDBPyConnection, started: datetime, argv: str) -> int:
    """Register a run as 'running' (committed at once: a run that stays so was interrupted)."""
    con.execute("BEGIN")
    row = SQL.run(con, "run_next_id")
    ingest_id = int(row[0][0]) if row else 1
    SQL.run(con, "run_start", {"ingest_id": ingest_id, "started": started, "argv": argv})
    con.execute("COMMIT")
    return ingest_id


def finish_run(
    con: duckdb.DuckDBPyConnection, ingest_id: int, finished: datetime, status: str, files: int
) -> None:
    SQL.run(
        con, "run_finish", {"ingest_id": ingest_id, "finished": finished, "status": status, "files": files}
    )


def new_source(
    con: duckdb.DuckDBPyConnection, head_fp: str, display: str, ingest_id: int, fmt: str, now: datetime
) -> int:
    """Register a stream never seen before, at offset 0, before its first batch commits."""
    row = SQL.run(con, "source_next_id")
    source_id = int(row[0][0]) if row else 1
    SQL.run(
        con,
        "source_new",
        {
            "source_id": source_id,
            "head_fp": head_fp,
            "tail_fp": tail_fingerprint(b""),
            "path": display,
            "format": fmt,
            "now": now,
            "ingest_id": ingest_id,
        },
    )
    return source_id


def source_seen(
    con: duckdb.DuckDBPyConnection, source_id: int, display: str, pending_bytes: int, now: datetime
) -> None:
    """After a file is read: the bytes its unfinished last line holds back, and where it was seen."""
    SQL.run(
        con,
        "source_seen",
        {"source_id": source_id, "pending_bytes": pending_bytes, "path": display, "now": now},
    )


@dataclass(frozen=True)
class BatchEnd:
    """Where a batch ends in its source: the committed offset and line, and the bytes before it."""

    offset: int
    line: int
    tail: bytes  # (up to) the TAIL_WINDOW bytes before `offset`: the resume check (sources.py)


def commit_batch(
    con: duckdb.DuckDBPyConnection,
    seg_dir: Path,
    *,
    ingest_id: int,
    source_id: int,
    display: str,
    counts: Counts,
    written: list[tuple[str, segments.WrittenSegment]],
    end: BatchEnd,
    conflict_kinds: list[str],
    now: datetime,
    on_commit: Callable[[], None] | None = None,
) -> None:
    """Commit one batch (its staged, fresh_<kind> and conflicts_<kind> tables are in `con`).

    If it fails before COMMIT, the batch's new segment files are deleted; once COMMIT has returned
    they belong to the warehouse, whatever is raised afterwards (a signal, a crash point).
    `on_commit` runs right after COMMIT, before any signal held back during it is raised."""
    c = counts
    where = {"ingest_id": ingest_id, "source_id": source_id, "path": display}
    redact = {"secret": SECRET_PATTERN, "cap": RAW_CAP}
    committed = False
    con.execute("BEGIN")
    try:
        for kind, seg in written:
            SQL.run(con, "commit_keys", kind=kind, keys=KEYS[kind])
            SQL.run(
                con,
                "commit_segment",
                {"kind": kind, "file": seg.file, "rows": seg.rows, "ingest_id": ingest_id, "now": now},
                kind=kind,
            )
        if written:
            segments.rebuild_views(con, seg_dir)
        if c.rejected:
            SQL.run(con, "commit_rejects", {**where, **redact})
        for kind in conflict_kinds:
            SQL.run(con, "commit_conflicts", {**where, **redact, "kind": kind}, kind=kind)
        if c.ignored:
            SQL.run(con, "commit_ignored")
        SQL.run(
            con,
            "commit_source",
            {
                **where,
                "offset": end.offset,
                "lines": end.line,
                "tail_fp": tail_fingerprint(end.tail),
                "read": c.read,
                "loaded": c.loaded,
                "duplicate": c.duplicate,
                "ignored": c.ignored,
                "rejected": c.rejected,
                "now": now,
            },
        )
        SQL.run(
            con,
            "commit_ingest",
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
        # A signal waits until COMMIT has returned: an interrupted COMMIT would leave us not knowing
        # whether the batch is in (and whether its segment files may go).
        with interrupts.deferred():
            con.execute("COMMIT")
            committed = True
            if on_commit is not None:
                on_commit()
    except BaseException:
        if not committed:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            # the segments no committed transaction registered; a registered one is never deleted
            segments.retire(seg_dir, [seg.file for _, seg in written])
        raise
    crashpoint("commit.after")
