"""Snapshots: the warehouse's committed state as files a reader can open without the DuckDB file.

DuckDB lets no other process open a database file while a writer holds it. The data itself is
already in immutable Parquet segments; what a reader also needs is the small tables (sources,
prices, ingests, rejects, ...) and the list of segments that make up one committed state. So every
writer session ends by exporting the small tables to Parquet and writing a manifest, last, with an
atomic rename:

    <db>.snapshot/manifest.json                 generation, time, writer, schema version,
                                                segments (file, rows, bytes, sha256), tables
    <db>.snapshot/tables/g00000012/<table>.parquet

The manifest names the segments in place (`segment_root` is relative to the manifest's folder), so
nothing is copied. A published lake (llmcost.warehouse.lake) has the same manifest with its own
copies. `open_manifest` builds an in-memory DuckDB over a manifest: the migrations create the same
tables and column types as a real warehouse, the small tables are loaded, and `requests`/`outcomes`
are views over the listed segments, exactly as in the file.

Segments a reprice replaces are not deleted at once (a reader may be using an older manifest):
segments.retire_later keeps them for GRACE_S.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmcost.faults import crashpoint
from llmcost.fsutil import fsync_path
from llmcost.warehouse import segments
from llmcost.warehouse.sql import SqlFiles, literal

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.warehouse")

FORMAT = "llmcost-snapshot/1"
MANIFEST = "manifest.json"
_PRIVATE = 0o600


def snapshot_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".snapshot")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class SnapshotInfo:
    """What a reader over a snapshot tells its user: whose state, as of when."""

    location: str
    generation: int
    written_at: str
    writer: str | None = None  # who holds the warehouse now (a local snapshot read during a write)
    # {kind: [file or URL]}: the segments the views read (another engine reads the same files)
    segments: dict[str, list[str]] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_local(folder: Path) -> dict[str, Any] | None:
    """The manifest in `folder`, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _PRIVATE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_path(path.parent)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    rows = SQL.run(con, "migrations_applied")
    return max((int(r[0]) for r in rows), default=0)


def write(con: duckdb.DuckDBPyConnection, db_path: Path, writer: str) -> dict[str, Any]:
    """Export the committed state seen by `con` (a writer's) as the next local snapshot."""
    folder = snapshot_dir(db_path)
    old = os.umask(0o077)
    try:
        folder.mkdir(exist_ok=True, mode=0o700)
        prev = read_local(folder) or {}
        generation = int(prev.get("generation", 0)) + 1
        gen_name = f"g{generation:08d}"
        tdir = folder / "tables" / gen_name
        tdir.mkdir(parents=True, exist_ok=True, mode=0o700)
        tables: dict[str, dict[str, Any]] = {}
        for (name,) in SQL.run(con, "snapshot_tables"):
            target = tdir / f"{name}.parquet"
            res = con.execute(
                SQL.render("snapshot_table_copy", table=quote_ident(str(name)), path=literal(str(target)))
            ).fetchone()
            fsync_path(target)
            tables[str(name)] = {
                "file": f"tables/{gen_name}/{name}.parquet",
                "rows": int(res[0]) if res else 0,
                "bytes": target.stat().st_size,
            }
    finally:
        os.umask(old)
    fsync_path(tdir)
    seg_dir = segments.segment_dir(db_path)
    known = {s["file"]: s for s in prev.get("segments", []) if isinstance(s, dict)}
    segs = []
    for segment_id, kind, file, rows, min_ts, max_ts in SQL.run(con, "snapshot_segments"):
        path = seg_dir / str(file)
        size = path.stat().st_size
        before = known.get(str(file))
        digest = before["sha256"] if before and before.get("bytes") == size else _sha256(path)
        segs.append(
            {
                "segment_id": int(segment_id),
                "kind": str(kind),
                "file": str(file),
                "rows": int(rows),
                "bytes": size,
                "sha256": digest,
                "min_ts": min_ts.isoformat() if min_ts else None,
                "max_ts": max_ts.isoformat() if max_ts else None,
            }
        )
    manifest = {
        "format": FORMAT,
        "schema_version": schema_version(con),
        "generation": generation,
        "written_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "writer": writer,
        "segment_root": f"../{seg_dir.name}/",
        "segments": segs,
        "tables": tables,
    }
    crashpoint("snapshot.before_manifest")
    atomic_write(folder / MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"))
    _drop_old_generations(folder / "tables", keep={gen_name, f"g{generation - 1:08d}"})
    return manifest


def _drop_old_generations(tables: Path, keep: set[str]) -> None:
    """Table copies of generations before the previous one: a reader loads its small tables in
    milliseconds right after reading the manifest, so two generations cover it."""
    with contextlib.suppress(OSError):
        for d in tables.iterdir():
            if d.name not in keep and d.name.startswith("g"):
                shutil.rmtree(d, ignore_errors=True)


def referenced_segments(db_path: Path) -> set[str]:
    """Segment files the current local snapshot names (kept by the orphan sweep)."""
    manifest = read_local(snapshot_dir(db_path)) or {}
    return {str(s["file"]) for s in manifest.get("segments", []) if isinstance(s, dict) and "file" in s}


def join(base: str, rel: str) -> str:
    """`rel` under the folder or URL `base` (which ends in a separator), '..' resolved for paths."""
    if "://" in base:
        return base + rel
    return os.path.normpath(os.path.join(base, rel))


def segment_urls(base: str, manifest: dict[str, Any]) -> dict[str, list[str]]:
    """{kind: [file or URL]} of the manifest's segments under `base` (its folder or URL)."""
    root = join(base, str(manifest.get("segment_root", "segments/")))
    root = root if root.endswith("/") else root + "/"
    return {
        kind: [join(root, s["file"]) for s in manifest.get("segments", []) if s.get("kind") == kind]
        for kind in segments.KINDS
    }


_SEGMENT_FILE = re.compile(r"(requests|outcomes)/[0-9a-f]{32}\.parquet")
_TABLE_FILE = re.compile(r"tables/g[0-9]{8}/[a-z_0-9]{1,64}\.parquet")
_SEGMENT_ROOT = re.compile(r"segments/|\.\./[^/\\]{1,255}\.segments/")


def check(manifest: dict[str, Any]) -> None:
    """A manifest names only files of the shapes llmcost writes, under its own folder (or, for a
    local snapshot, the warehouse's segment folder beside it): a hostile lake cannot point a reader
    at /etc/passwd or at another bucket."""
    root = str(manifest.get("segment_root", ""))
    bad = [] if _SEGMENT_ROOT.fullmatch(root) else [root]
    bad += [
        str(s.get("file"))
        for s in manifest.get("segments", [])
        if not (
            isinstance(s, dict)
            and _SEGMENT_FILE.fullmatch(str(s.get("file")))
            and s.get("kind") in segments.KINDS
        )
    ]
    bad += [
        str(t.get("file"))
        for t in manifest.get("tables", {}).values()
        if not (isinstance(t, dict) and _TABLE_FILE.fullmatch(str(t.get("file"))))
    ]
    if bad:
        raise ValueError(f"the manifest names files llmcost does not write: {bad[:3]}")


def _list_folders(filesystem: Any, urls: list[str]) -> None:
    """List each folder the segment files are in, once: object-store filesystems (s3fs) keep the
    listing and answer every later size or existence check of a file from it, where DuckDB's scans
    would otherwise send a HEAD request for each file each time a query opens it."""
    folders = sorted({u.split("://", 1)[-1].rsplit("/", 1)[0] for u in urls})
    for folder in folders:
        with contextlib.suppress(Exception):  # only a cache: a failed listing leaves the HEADs
            filesystem.ls(folder, detail=True)


def open_manifest(
    base: str, manifest: dict[str, Any], *, filesystem: Any = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the tables and views of a real warehouse, over `manifest` found at
    `base` (a folder path ending in '/', or an fsspec URL whose filesystem is `filesystem`)."""
    import duckdb

    from llmcost.warehouse import migrate  # the package imports this module

    check(manifest)
    con = duckdb.connect(":memory:")
    try:
        if filesystem is not None:
            con.register_filesystem(filesystem)
        migrate(con)
        present = {str(r[0]) for r in SQL.run(con, "table_names")}
        wanted = {
            name: join(base, entry["file"])
            for name, entry in manifest.get("tables", {}).items()
            # a table a newer llmcost wrote: this version does not read it
            if name in present and name != "schema_migrations"
        }
        with tempfile.TemporaryDirectory(prefix="llmcost-snapshot-") as tmp:
            if filesystem is not None and wanted:
                # object storage: the small files in one concurrent fetch, not a round trip each
                fetched = filesystem.cat([u.split("://", 1)[1] for u in wanted.values()])
                for name, url in list(wanted.items()):
                    local = Path(tmp) / f"{name}.parquet"
                    local.write_bytes(fetched[url.split("://", 1)[1]])
                    wanted[name] = str(local)
            for name, path in sorted(wanted.items()):
                table = quote_ident(name)
                con.execute(SQL.render("snapshot_table_clear", table=table))
                con.execute(SQL.render("snapshot_table_load", table=table, path=literal(path)))
        # the views below point at the manifest's files; the writer's recorded folder does not apply
        con.execute(SQL.text("segment_dir_clear"))
        urls = segment_urls(base, manifest)
        if filesystem is not None:
            _list_folders(filesystem, [u for files in urls.values() for u in files])
        for kind, files in urls.items():
            con.execute(segments.view_sql_over(kind, files))
    except BaseException:
        con.close()
        raise
    return con
