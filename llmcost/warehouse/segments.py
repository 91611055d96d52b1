"""Parquet segments behind the `requests` and `outcomes` views.

Each ingest batch writes its rows as one Parquet file (temp name, fsync, rename), then registers
it in the `segments` table in the same DuckDB transaction that advances the source offsets, and
rebuilds the views in that transaction too. A crash before the commit leaves an unregistered file,
which the next writer deletes; a crash after it leaves everything consistent. So a row is visible
exactly when the offset that covers it is committed.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from llmcost.faults import crashpoint
from llmcost.fsutil import fsync_path
from llmcost.warehouse.sql import SqlFiles, literal

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.warehouse")

KINDS = ("requests", "outcomes")


def segment_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".segments")


def view_sql(con: duckdb.DuckDBPyConnection, seg_dir: Path, kind: str, *, temp: bool) -> str:
    files = [str(r[0]) for r in SQL.run(con, "segment_files", {"kind": kind})]
    return view_sql_over(kind, [str(seg_dir / f) for f in files], temp=temp)


def view_sql_over(kind: str, paths: list[str], *, temp: bool = False) -> str:
    """The view of `kind` over these Parquet files (paths or URLs), in this order."""
    if kind not in KINDS:
        raise ValueError(f"not a segment kind: {kind!r}")
    parquet = ""
    if paths:
        listing = ", ".join(literal(p) for p in paths)
        parquet = " " + SQL.fragment("segment_view_files", files=listing)
    return SQL.render("segment_view", scope="TEMP " if temp else "", kind=kind, segments=parquet)


def rebuild_views(con: duckdb.DuckDBPyConnection, seg_dir: Path, *, temp: bool = False) -> None:
    for kind in KINDS:
        con.execute(view_sql(con, seg_dir, kind, temp=temp))
    if not temp:
        con.execute(SQL.text("segment_dir_clear"))
        SQL.run(con, "segment_dir_set", {"dir": str(seg_dir)})


def recorded_dir(con: duckdb.DuckDBPyConnection) -> str | None:
    """The segment directory the views were last built over, as recorded (None: not recorded)."""
    row = con.execute(SQL.text("segment_dir")).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def views_point_at(con: duckdb.DuckDBPyConnection, seg_dir: Path) -> bool:
    return recorded_dir(con) == str(seg_dir)


@dataclass(frozen=True)
class WrittenSegment:
    file: str
    rows: int


def write_segment(
    con: duckdb.DuckDBPyConnection, seg_dir: Path, kind: str, select_sql: str
) -> WrittenSegment:
    """Write the rows of `select_sql` as a new Parquet file; the caller registers it."""
    seg_dir.mkdir(exist_ok=True, mode=0o700)  # the warehouse directory exists already
    (seg_dir / kind).mkdir(exist_ok=True, mode=0o700)
    name = f"{kind}/{uuid.uuid4().hex}.parquet"
    final = seg_dir / name
    tmp = final.with_name("." + final.name + ".tmp")
    try:
        old = os.umask(0o077)
        try:
            res = con.execute(
                SQL.render("segment_write", select=select_sql, path=literal(str(tmp)))
            ).fetchone()
        finally:
            os.umask(old)
        rows = int(res[0]) if res else 0
        fsync_path(tmp)
        crashpoint("segment.before_rename")
        os.replace(tmp, final)
        fsync_path(final.parent)
    except BaseException:  # an error or a signal: the new, unregistered file goes (a crash's: on open)
        for path in (tmp, final):
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return WrittenSegment(name, rows)


def remove_orphans(con: duckdb.DuckDBPyConnection, seg_dir: Path, keep: set[str] | None = None) -> int:
    """Delete segment files no committed transaction registered (left by a crash), except those in
    `keep` (named by the current snapshot) and those retired less than GRACE_S ago."""
    known = {str(r[0]) for r in SQL.run(con, "segment_files_all")} | (keep or set())
    known |= _sweep_retired(seg_dir, known)
    removed = 0
    for kind in KINDS:
        d = seg_dir / kind
        if not d.is_dir():
            continue
        for f in d.iterdir():
            rel = f"{kind}/{f.name}"
            if rel not in known and (f.name.endswith(".parquet") or f.name.endswith(".tmp")):
                with contextlib.suppress(FileNotFoundError):
                    f.unlink()
                    removed += 1
    return removed


# A segment a committed transaction replaced (a reprice) stays on disk this long: a reader that opened
# an older snapshot manifest reads it for the length of one command or one web request.
GRACE_S = 3600.0
RETIRED = "retired.json"


def _read_retired(seg_dir: Path) -> dict[str, float]:
    try:
        data = json.loads((seg_dir / RETIRED).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_retired(seg_dir: Path, entries: dict[str, float]) -> None:
    path = seg_dir / RETIRED
    if not entries:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    tmp = path.with_name(f".{RETIRED}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(entries, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def retire_later(seg_dir: Path, files: list[str]) -> None:
    """Mark files of segments a committed transaction unregistered: deleted by a writer that opens
    after GRACE_S, so a reader of an older snapshot still finds them."""
    if not files:
        return
    entries = _read_retired(seg_dir)
    now = time.time()
    entries.update({f: now for f in files})
    _write_retired(seg_dir, entries)


def _sweep_retired(seg_dir: Path, registered: set[str]) -> set[str]:
    """The retired files still within their grace (kept); expired entries are dropped from the
    list so the orphan sweep deletes their files."""
    entries = _read_retired(seg_dir)
    if not entries:
        return set()
    now = time.time()
    young = {f: t for f, t in entries.items() if now - t < GRACE_S and f not in registered}
    if young != entries:
        with contextlib.suppress(OSError):
            _write_retired(seg_dir, young)
    return set(young)


def retire(seg_dir: Path, files: list[str]) -> None:
    """Delete files of segments no committed transaction registered (a failed batch's or rewrite's)."""
    for f in files:
        with contextlib.suppress(FileNotFoundError):
            (seg_dir / f).unlink()
