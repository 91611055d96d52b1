"""The lake: the warehouse's snapshot published to a folder or object storage, and read back.

    <url>/manifest.json                  written last (one PUT, or temp + rename in a folder)
    <url>/segments/<kind>/<uuid>.parquet the warehouse's sealed segments, unchanged
    <url>/tables/gNNNNNNNN/<table>.parquet the small tables of that publish (raw log lines left out)

`publish` copies what the local snapshot (llmcost.warehouse.snapshot) lists and the lake lacks, then
writes the manifest; a reader opens the manifest first and reads only what it names, so a publish
killed at any point leaves the previous manifest whole and the next run completes the work.
Segments the warehouse no longer has (a reprice replaced them) are dropped from the manifest at once
and deleted by a later publish, after segments.GRACE_S, so a reader of the previous manifest still
finds them. Object storage is reached through fsspec (s3fs for s3://, credentials and endpoint the
AWS way, AWS_ENDPOINT_URL included); DuckDB reads it through `register_filesystem`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmcost.errors import StorageError, UsageError, WarehouseBusy
from llmcost.faults import crashpoint
from llmcost.warehouse import segments, snapshot
from llmcost.warehouse.snapshot import FORMAT, MANIFEST, SnapshotInfo
from llmcost.warehouse.sql import SqlFiles, literal

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.warehouse")

# Tables whose `raw` column holds input lines as logged: the lake carries them without it.
_RAW_TABLES = ("rejects", "conflicts")


# Object stores a lake may live on (fsspec protocols); anything else with a scheme is refused, so a
# URL cannot make llmcost fetch from an arbitrary HTTP, FTP or SSH server.
SCHEMES = ("s3", "s3a", "gs", "gcs", "az", "abfs", "abfss")


class Store:
    """A folder or an object-storage prefix, as the few operations a publish needs."""

    def __init__(self, url: str) -> None:
        if not url.strip() or "\x00" in url:
            raise UsageError("the lake: give a folder or s3://bucket/prefix")
        scheme = url.split("://", 1)[0].lower() if "://" in url else ""
        if scheme and scheme != "file" and scheme not in SCHEMES:
            raise UsageError(
                f"the lake {url[:200]!r}: a folder or one of {', '.join(s + '://' for s in SCHEMES)}"
            )
        self.url = url.rstrip("/")
        self.remote = bool(scheme) and scheme != "file"
        self.fs: Any = None
        if self.remote:
            try:
                import fsspec

                self.fs, self.root = fsspec.core.url_to_fs(self.url, skip_instance_cache=True)
            except ImportError as e:
                raise UsageError(
                    f"{url}: reading object storage needs the `{e.name}` package (pip install 'llmcost[s3]')"
                ) from None
            except ValueError as e:
                raise UsageError(f"{url}: {e}") from None
            self.root = self.root.rstrip("/")
            self.base = self.url + "/"
        else:
            self.root = str(Path(self.url.removeprefix("file://")).expanduser().absolute())
            self.base = self.root + os.sep

    def _path(self, rel: str) -> str:
        return f"{self.root}/{rel}"

    def read_manifest(self) -> dict[str, Any] | None:
        try:
            if self.remote:
                raw = self.fs.cat_file(self._path(MANIFEST))
            else:
                raw = Path(self._path(MANIFEST)).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as e:
            raise StorageError(f"cannot read the lake {self.url}: {e}") from None
        try:
            data = json.loads(raw)
        except ValueError:
            raise StorageError(f"{self.url}/{MANIFEST} is not a lake manifest") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise StorageError(f"{self.url}/{MANIFEST} is not a lake manifest this llmcost reads")
        try:
            snapshot.check(data)
            snapshot.check({"segment_root": "segments/", "segments": data.get("retired", [])})
        except ValueError as e:
            raise StorageError(f"{self.url}/{MANIFEST}: {e}") from None
        return data

    def put_file(self, local: Path, rel: str) -> None:
        if self.remote:
            self.fs.put_file(str(local), self._path(rel))
            return
        target = Path(self._path(rel))
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with local.open("rb") as src, tmp.open("wb") as dst:
            while block := src.read(1 << 20):
                dst.write(block)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target)

    def put_manifest(self, data: bytes) -> None:
        if self.remote:
            self.fs.pipe_file(self._path(MANIFEST), data)  # one PUT: whole or not at all
            return
        Path(self.root).mkdir(parents=True, exist_ok=True, mode=0o700)
        snapshot.atomic_write(Path(self._path(MANIFEST)), data)

    def delete(self, rel: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            if self.remote:
                self.fs.rm_file(self._path(rel))
            else:
                Path(self._path(rel)).unlink()

    def delete_tree(self, rel: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            if self.remote:
                self.fs.rm(self._path(rel), recursive=True)
            else:
                import shutil

                shutil.rmtree(self._path(rel), ignore_errors=True)

    def table_generations(self) -> list[str]:
        try:
            if self.remote:
                names = [
                    p.rstrip("/").rsplit("/", 1)[-1] for p in self.fs.ls(self._path("tables"), detail=False)
                ]
            else:
                names = [p.name for p in Path(self._path("tables")).iterdir()]
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(n for n in names if n.startswith("g"))


def _storage_error(url: str, e: Exception) -> StorageError:
    return StorageError(f"cannot write the lake {url}: {type(e).__name__}: {str(e).splitlines()[0][:300]}")


@dataclass
class Published:
    url: str
    generation: int
    source_generation: int
    segments_added: int = 0
    bytes_added: int = 0
    segments_dropped: int = 0
    files_deleted: int = 0
    up_to_date: bool = False
    written_at: str = ""
    tables: list[str] = field(default_factory=list)


def local_manifest(db_path: Path) -> dict[str, Any]:
    """The local snapshot's manifest; a warehouse that has none yet (written before snapshots
    existed) gets one from a short writer session."""
    folder = snapshot.snapshot_dir(db_path)
    manifest = snapshot.read_local(folder)
    if manifest is None:
        if not db_path.exists():
            raise UsageError(f"no warehouse at {db_path}: run `llmcost ingest PATH` first (or pass --db)")
        from llmcost.warehouse import open_warehouse

        open_warehouse(db_path, write=True, command="llmcost lake publish").close()
        manifest = snapshot.read_local(folder)
    if manifest is None:
        raise StorageError(f"cannot write the snapshot of {db_path} in {folder}")
    return manifest


@contextlib.contextmanager
def _publish_lock(db_path: Path) -> Any:
    path = db_path.with_name(db_path.name + ".publish.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(f"another `llmcost lake publish` of {db_path} is running") from None
        yield
    finally:
        os.close(fd)


def _table_file(local: Path, name: str, tmpdir: Path) -> Path:
    if name not in _RAW_TABLES:
        return local
    import duckdb

    out = tmpdir / f"{name}.parquet"
    con = duckdb.connect(":memory:")
    try:
        cols = {str(r[0]) for r in SQL.run(con, "parquet_columns", {"path": str(local)})}
        if "raw" not in cols:
            return local
        con.execute(SQL.render("snapshot_table_redact", source=literal(str(local)), path=literal(str(out))))
    finally:
        con.close()
    return out


def publish(db_path: Path, url: str) -> Published:
    """Publish the local warehouse's last committed state to `url`: incremental and idempotent."""
    store = Store(url)
    with _publish_lock(db_path):
        try:
            return _publish(db_path, store)
        except (UsageError, StorageError, WarehouseBusy):
            raise
        except OSError as e:
            raise _storage_error(store.url, e) from None


def _publish(db_path: Path, store: Store) -> Published:
    local = local_manifest(db_path)
    folder = snapshot.snapshot_dir(db_path)
    seg_dir = segments.segment_dir(db_path)
    remote = store.read_manifest() or {}
    have = {s["file"]: s for s in remote.get("segments", [])}
    want = {s["file"]: s for s in local["segments"]}
    result = Published(store.url, int(remote.get("generation", 0)), int(local["generation"]))
    if remote.get("source", {}).get("generation") == local["generation"] and set(have) == set(want):
        result.up_to_date = True
        result.written_at = str(remote.get("written_at", ""))
        return result
    for file, seg in want.items():
        if file in have and have[file].get("sha256") == seg.get("sha256"):
            continue
        path = seg_dir / file
        if path.stat().st_size != seg["bytes"]:
            raise StorageError(f"{path} changed since the snapshot listed it; run the publish again")
        store.put_file(path, f"segments/{file}")
        crashpoint("lake.segment")
        result.segments_added += 1
        result.bytes_added += int(seg["bytes"])
    generation = int(remote.get("generation", 0)) + 1
    gen_name = f"g{generation:08d}"
    tables: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="llmcost-lake-") as tmp:
        for name, entry in sorted(local["tables"].items()):
            src = _table_file(folder / entry["file"], name, Path(tmp))
            rel = f"tables/{gen_name}/{name}.parquet"
            store.put_file(src, rel)
            tables[name] = {"file": rel, "rows": entry["rows"], "bytes": src.stat().st_size}
    now = time.time()
    retired = [r for r in remote.get("retired", []) if r.get("file") not in want]
    retired += [{"file": f, "kind": have[f]["kind"], "since": now} for f in have if f not in want]
    keep_retired = [r for r in retired if now - float(r["since"]) < segments.GRACE_S]
    manifest = {
        "format": FORMAT,
        "schema_version": local["schema_version"],
        "generation": generation,
        "written_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "writer": "llmcost lake publish",
        "source": {"generation": local["generation"], "written_at": local["written_at"]},
        "segment_root": "segments/",
        "segments": [{**s, "sha256": s.get("sha256")} for s in local["segments"]],
        "tables": tables,
        "retired": keep_retired,
    }
    crashpoint("lake.before_manifest")
    store.put_manifest(json.dumps(manifest, indent=1).encode("utf-8"))
    result.generation = generation
    result.written_at = manifest["written_at"]
    result.tables = sorted(tables)
    result.segments_dropped = sum(1 for f in have if f not in want)
    # after the manifest: what no manifest a reader may still hold names any more
    for r in retired:
        if r not in keep_retired:
            store.delete(f"segments/{r['file']}")
            result.files_deleted += 1
    previous = f"g{generation - 1:08d}"
    for g in store.table_generations():
        if g not in (gen_name, previous):
            store.delete_tree(f"tables/{g}")
    return result


@dataclass
class LakeStatus:
    url: str
    manifest: dict[str, Any] | None
    local: dict[str, Any] | None

    def document(self) -> dict[str, Any]:
        m = self.manifest
        doc: dict[str, Any] = {"url": self.url, "published": m is not None}
        if m is not None:
            segs = m.get("segments", [])
            doc["lake"] = {
                "generation": m.get("generation"),
                "published_at": m.get("written_at"),
                "warehouse_generation": m.get("source", {}).get("generation"),
                "warehouse_state_at": m.get("source", {}).get("written_at"),
                "schema_version": m.get("schema_version"),
                "segments": len(segs),
                "requests": sum(int(s["rows"]) for s in segs if s.get("kind") == "requests"),
                "outcomes": sum(int(s["rows"]) for s in segs if s.get("kind") == "outcomes"),
                "bytes": sum(int(s["bytes"]) for s in segs)
                + sum(int(t["bytes"]) for t in m.get("tables", {}).values()),
                "tables": {k: int(v["rows"]) for k, v in sorted(m.get("tables", {}).items())},
                "retired_pending_delete": len(m.get("retired", [])),
            }
        if self.local is not None:
            loc = self.local
            have = {s["file"] for s in (m or {}).get("segments", [])}
            missing = [s for s in loc["segments"] if s["file"] not in have]
            want = {s["file"] for s in loc["segments"]}
            doc["warehouse"] = {
                "generation": loc["generation"],
                "state_at": loc["written_at"],
                "segments": len(loc["segments"]),
            }
            doc["behind"] = {
                "up_to_date": m is not None
                and m.get("source", {}).get("generation") == loc["generation"]
                and not missing
                and have == want,
                "generations": int(loc["generation"])
                - int((m or {}).get("source", {}).get("generation") or 0),
                "segments_to_add": len(missing),
                "rows_to_add": sum(int(s["rows"]) for s in missing),
                "bytes_to_add": sum(int(s["bytes"]) for s in missing),
                "segments_to_drop": len(have - want),
            }
        return doc


def status(url: str, db_path: Path | None) -> LakeStatus:
    store = Store(url)
    manifest = store.read_manifest()
    local = None
    if db_path is not None:
        local = snapshot.read_local(snapshot.snapshot_dir(db_path.expanduser().absolute()))
    return LakeStatus(store.url, manifest, local)


def open_lake(url: str) -> tuple[duckdb.DuckDBPyConnection, SnapshotInfo]:
    """An in-memory DuckDB over the lake's current manifest (read-only: nothing is written)."""
    store = Store(url)
    manifest = store.read_manifest()
    if manifest is None:
        raise UsageError(f"no lake at {store.url}: `llmcost lake publish {store.url}` writes one")
    try:
        con = snapshot.open_manifest(store.base, manifest, filesystem=store.fs)
    except Exception as e:
        raise StorageError(f"cannot read the lake {store.url}: {str(e).splitlines()[0][:300]}") from None
    info = SnapshotInfo(
        store.url,
        int(manifest["generation"]),
        str(manifest["written_at"]),
        segments=snapshot.segment_urls(store.base, manifest),
    )
    return con, info
