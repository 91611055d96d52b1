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

if TYPE_CHECKING:
    import duckdb

KINDS = ("requests", "outcomes")


def segment_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".segments")


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def view_sql(con: duckdb.DuckDBPyConnection, seg_dir: Path, kind: str, *, temp: bool) -> str:
    files = [
        r[0]
        for r in con.execute(
            "SELECT file FROM segments WHERE kind = ? ORDER BY segment_id", [kind]
        ).fetchall()
    ]
    scope = "TEMP " if temp else ""
    body = f"SELECT * FROM {kind}_columns"  # noqa: S608 - kind is one of KINDS
    if files:
        listing = ", ".join(_sql_str(str(seg_dir / f)) for f in files)
        # union_by_name: segments written before a migration added a column read it as NULL.
        body += f" UNION ALL BY NAME SELECT * FROM read_parquet([{listing}], union_by_name = true)"  # noqa: S608 - quoted paths
    return f"CREATE OR REPLACE {scope}VIEW {kind} AS {body}"


def rebuild_views(con: duckdb.DuckDBPyConnection, seg_dir: Path, *, temp: bool = False) -> None:
    for kind in KINDS:
        con.execute(view_sql(con, seg_dir, kind, temp=temp))
    if not temp:
        con.execute("DELETE FROM warehouse_meta WHERE key = 'segment_dir'")
        con.execute("INSERT INTO warehouse_meta VALUES ('segment_dir', ?)", [str(seg_dir)])


def views_point_at(con: duckdb.DuckDBPyConnection, seg_dir: Path) -> bool:
    row = con.execute("SELECT value FROM warehouse_meta WHERE key = 'segment_dir'").fetchone()
    return row is not None and row[0] == str(seg_dir)


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
    old = os.umask(0o077)
    try:
        res = con.execute(
            f"COPY ({select_sql}) TO {_sql_str(str(tmp))} "
            # snappy: ingest writes fast; `llmcost compact` rewrites cold segments with zstd
            "(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)"
        ).fetchone()
    finally:
        os.umask(old)
    rows = int(res[0]) if res else 0
    fsync_path(tmp)
    crashpoint("segment.before_rename")
    os.replace(tmp, final)
    fsync_path(final.parent)
    return WrittenSegment(name, rows)


def remove_orphans(con: duckdb.DuckDBPyConnection, seg_dir: Path) -> int:
    """Delete segment files no committed transaction registered (left by a crash)."""
    known = {r[0] for r in con.execute("SELECT file FROM segments").fetchall()}
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
