"""Parquet segments behind the `requests` and `outcomes` views.

Each ingest batch writes its rows as one Parquet file (temp name, fsync, rename), then registers
it in the `segments` table in the same DuckDB transaction that advances the source offsets, and
rebuilds the views in that transaction too. A crash before the commit leaves an unregistered file,
which the next writer deletes; a crash after it leaves everything consistent. So a row is visible
exactly when the offset that covers it is committed.
"""

from __future__ import annotations

import contextlib
import os
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
    if kind not in KINDS:
        raise ValueError(f"not a segment kind: {kind!r}")
    files = [str(r[0]) for r in SQL.run(con, "segment_files", {"kind": kind})]
    parquet = ""
    if files:
        listing = ", ".join(literal(str(seg_dir / f)) for f in files)
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


def remove_orphans(con: duckdb.DuckDBPyConnection, seg_dir: Path) -> int:
    """Delete segment files no committed transaction registered (left by a crash)."""
    known = {str(r[0]) for r in SQL.run(con, "segment_files_all")}
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


def retire(seg_dir: Path, files: list[str]) -> None:
    """Delete files of segments already unregistered by a committed transaction."""
    for f in files:
        with contextlib.suppress(FileNotFoundError):
            (seg_dir / f).unlink()
