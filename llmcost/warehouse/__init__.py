"""The warehouse: one DuckDB file, its migrations, and the one-writer lock.

DuckDB lets one process open a database file read-write. llmcost takes its own advisory lock
(`<db>.lock`, holding the holder's pid, command and start time) before DuckDB's, so a second
writer is told within milliseconds *who* holds the warehouse, and exits 75.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING

from llmcost.errors import StorageError, UsageError, WarehouseBusy
from llmcost.warehouse import segments
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    import duckdb

    from llmcost.warehouse.snapshot import SnapshotInfo

SQL = SqlFiles("llmcost.warehouse")
_PRIVATE = 0o600


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def _migration_files() -> list[Traversable]:
    folder = resources.files("llmcost.warehouse").joinpath("migrations")
    return [entry for entry in folder.iterdir() if entry.name.endswith(".sql")]


def migrations() -> list[Migration]:
    """The ordered schema migrations shipped in the package (NNN_name.sql)."""
    found = []
    for entry in _migration_files():
        num, _, rest = entry.name.partition("_")
        found.append(Migration(int(num), rest.removesuffix(".sql"), entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration numbers: {versions}")
    return found


_ANOTHER = "another llmcost process"


def _holder(lock_path: Path) -> str:
    try:
        info = json.loads(lock_path.read_text("utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return _ANOTHER
    return f"`{info.get('command', 'llmcost')}` (pid {info.get('pid', '?')}, since {info.get('since', '?')})"


class WriterLock:
    """An exclusive advisory lock beside the database file; released on close or process death."""

    def __init__(self, db_path: Path, command: str) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self.command = command
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, _PRIVATE)
        fh = os.fdopen(fd, "r+", encoding="utf-8")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            holder = _holder(self.path)
            for _ in range(10):  # the holder may be between taking the lock and writing its name
                if holder != _ANOTHER:
                    break
                time.sleep(0.02)
                holder = _holder(self.path)
            raise WarehouseBusy(
                f"warehouse busy: {self.path.with_suffix('')} is being written by {holder}; "
                "try again when it finishes"
            ) from None
        fh.seek(0)
        fh.truncate()
        since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        fh.write(json.dumps({"pid": os.getpid(), "command": self.command, "since": since}))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.seek(0)
                self._fh.truncate()
            self._fh.close()  # closing drops the flock
            self._fh = None


# DuckDB's own lock error names the process holding the file.
_DUCKDB_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")
# A writer whose DuckDB open is refused while it holds llmcost's own lock is blocked by a reader
# (`llmcost report`, `status`, a DuckDB shell): those are short, so it waits this long first.
READER_WAIT_S = 5.0


def _busy(path: Path, msg: str, *, writer: bool) -> WarehouseBusy:
    m = _DUCKDB_HOLDER.search(msg)
    other = f"{Path(m.group(1)).name} (pid {m.group(2)})" if m else "another process"
    if writer:
        # we hold llmcost's writer lock, so the other process is not an llmcost writer
        return WarehouseBusy(
            f"warehouse busy: {path} is open in {other}, a reader (`llmcost report`, `status`, a DuckDB "
            f"session) that kept it for over {READER_WAIT_S:.0f} s; try again when it closes"
        )
    holder = _holder(path.with_name(path.name + ".lock"))
    if holder == _ANOTHER and m:
        holder = other  # not an llmcost writer: a DuckDB session opened it read-write
    return WarehouseBusy(
        f"warehouse busy: {path} is being written by {holder}; DuckDB lets no other process read "
        "a database while it is written: try again when it finishes"
    )


def _open_duckdb(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    import duckdb

    deadline = time.monotonic() + (0 if read_only else READER_WAIT_S)
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                raise StorageError(f"cannot open the warehouse {path}: {e}") from None
            if time.monotonic() >= deadline:
                raise _busy(path, str(e), writer=not read_only) from None
            time.sleep(0.1)
        except duckdb.Error as e:
            raise StorageError(f"cannot open the warehouse {path}: {e}") from None


def _applied(con: duckdb.DuckDBPyConnection) -> set[int]:
    con.execute(SQL.text("schema_migrations"))
    return {int(r[0]) for r in SQL.run(con, "migrations_applied")}


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction; return their versions."""
    done = _applied(con)
    newly = []
    for m in migrations():
        if m.version in done:
            continue
        con.execute("BEGIN")
        try:
            con.execute(m.sql)
            SQL.run(con, "migration_record", {"version": m.version, "name": m.name})
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        newly.append(m.version)
    return newly


def _pending(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The shipped migrations a warehouse opened read-only lacks. One small statement (a reader's
    start-up: issue 16), and the migrations' names only, not their SQL."""
    import duckdb

    try:
        done = {int(r[0]) for r in SQL.run(con, "migrations_applied")}
    except duckdb.CatalogException:  # older than schema_migrations itself: every one is pending
        done = set()
    shipped = sorted(int(entry.name.partition("_")[0]) for entry in _migration_files())
    return [v for v in shipped if v not in done]


def _make_private(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if p.stat().st_mode & 0o077:
                os.chmod(p, _PRIVATE)


@dataclass
class Warehouse:
    """An open warehouse: the DuckDB connection plus, for writers, the lock.

    `snapshot` is set when a reader reads a snapshot (the local one while a writer holds the file,
    or a published lake) instead of the DuckDB file: its connection is an in-memory copy of the
    small tables with views over the snapshot's segments, and the command should say so.
    """

    path: Path
    con: duckdb.DuckDBPyConnection
    lock: WriterLock | None
    snapshot: SnapshotInfo | None = None

    @property
    def writable(self) -> bool:
        return self.lock is not None

    @property
    def segment_dir(self) -> Path:
        return segments.segment_dir(self.path)

    def close(self) -> None:
        if self.lock is not None:
            self.write_snapshot()
        try:
            self.con.close()
        finally:
            if self.lock is not None:
                self.lock.release()
                self.lock = None

    def write_snapshot(self) -> None:
        """The committed state as the local snapshot, for readers while the next writer writes.
        Every writer's close calls it; a long-lived writer (`llmcost watch`) may call it after each
        committed pass so readers see that pass without waiting for the writer to close. Best effort: a full or read-only disk must not turn a finished ingest into a failure (the
        previous snapshot stays whole and readable, only older)."""
        from llmcost.warehouse import snapshot

        assert self.lock is not None
        with contextlib.suppress(Exception):
            snapshot.write(self.con, self.path, self.lock.command)

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_warehouse(
    path: Path, *, write: bool, command: str | None = None, prefer_snapshot: bool = False
) -> Warehouse:
    """Open (and for writers create and migrate) the warehouse at `path`.

    Readers open read-only and never create anything; a reader of a warehouse that does not
    exist yet gets a UsageError telling it to ingest first. A reader goes through the snapshot
    (never opening the DuckDB file) when a writer holds the warehouse, or with `prefer_snapshot`
    whenever there is one: a long-lived reader (`llmcost serve`) then never makes a writer wait.
    """
    path = path.expanduser().absolute()  # segment paths in the views must not depend on the cwd
    if not write:
        if not path.exists():
            raise UsageError(f"no warehouse at {path}: run `llmcost ingest PATH` first (or pass --db)")
        holder = writer_holding(path)
        if holder is None and prefer_snapshot:
            wh = _open_snapshot(path, None)
            if wh is not None:
                return wh
        if holder is not None:
            # a writer holds the file: DuckDB would refuse us (and a reader that got in first would
            # make the writer wait), so read the last committed state from the snapshot
            wh = _open_snapshot(path, holder)
            if wh is not None:
                return wh
        try:
            con = _open_duckdb(path, read_only=True)
        except WarehouseBusy:
            wh = _open_snapshot(path, writer_holding(path) or _ANOTHER)
            if wh is None:
                raise
            return wh
        pending = _pending(con)
        if pending:
            # a newer llmcost reading an older warehouse: upgrade it once (as a writer), then read
            con.close()
            try:
                open_warehouse(path, write=True, command="llmcost (schema upgrade)").close()
            except StorageError as e:
                raise UsageError(
                    f"the warehouse {path} needs schema upgrade(s) {pending} and cannot be upgraded: {e}"
                ) from None
            con = _open_duckdb(path, read_only=True)
        return Warehouse(path, con, None)
    old_umask = os.umask(
        0o077
    )  # missing parent directories too are private (mkdir's mode covers only the last)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as e:
        raise StorageError(f"cannot create the warehouse directory {path.parent}: {e.strerror}") from None
    finally:
        os.umask(old_umask)
    lock = WriterLock(path, command or " ".join(["llmcost", *sys.argv[1:2]]))
    try:
        lock.acquire()
    except OSError as e:  # EACCES, and EROFS on a read-only mount (not a PermissionError)
        raise StorageError(
            f"cannot write the warehouse {path}: {e.strerror} (a read-only location? `llmcost status` "
            "and reports still read it)"
        ) from None
    old_umask = os.umask(0o077)  # DuckDB creates the file: make it private from its first byte
    try:
        con = _open_duckdb(path, read_only=False)
    except BaseException:
        lock.release()
        raise
    finally:
        os.umask(old_umask)
    from llmcost.warehouse import snapshot  # a reader of the file itself never needs it

    try:
        migrate(con)
        seg_dir = segments.segment_dir(path)
        segments.remove_orphans(con, seg_dir, keep=snapshot.referenced_segments(path))
        if not segments.views_point_at(con, seg_dir):
            con.execute("BEGIN")
            segments.rebuild_views(con, seg_dir)
            con.execute("COMMIT")
    except Exception as e:
        con.close()
        lock.release()
        raise StorageError(f"cannot prepare the warehouse {path}: {e}") from None
    _make_private(path)
    return Warehouse(path, con, lock)


def writer_holding(db_path: Path) -> str | None:
    """Who holds llmcost's writer lock on `db_path` (a live pid in the lock file), or None.

    Read, not probed with flock: a reader must never make a starting writer fail its lock."""
    lock_path = db_path.with_name(db_path.name + ".lock")
    try:
        info = json.loads(lock_path.read_text("utf-8") or "{}")
        pid = int(info.get("pid", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    if pid <= 0 or pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # a killed writer's lock file: its lock went with it
    except PermissionError:
        pass
    return _holder(lock_path)


def _open_snapshot(path: Path, holder: str | None) -> Warehouse | None:
    from llmcost.warehouse import snapshot
    from llmcost.warehouse.snapshot import SnapshotInfo

    folder = snapshot.snapshot_dir(path)
    manifest = snapshot.read_local(folder)
    if manifest is None:
        return None
    try:
        con = snapshot.open_manifest(str(folder) + os.sep, manifest)
    except Exception:
        # a segment retired and swept under a very old manifest, a damaged copy: not readable
        return None
    info = SnapshotInfo(
        str(folder),
        int(manifest["generation"]),
        str(manifest["written_at"]),
        holder,
        snapshot.segment_urls(str(folder) + os.sep, manifest),
    )
    wh = Warehouse(path, con, None, info)
    if holder is not None:
        _notify(wh)
    return wh


_notices: list[Callable[[Warehouse], None]] = []


def on_snapshot_read(callback: Callable[[Warehouse], None]) -> None:
    """Call `callback(wh)` whenever a reader opens a snapshot instead of the warehouse file (the CLI
    registers one that tells the user, once, which state it reads)."""
    if callback not in _notices:
        _notices.append(callback)


def _notify(wh: Warehouse) -> None:
    for cb in _notices:
        cb(wh)


@contextlib.contextmanager
def writer(path: Path, command: str | None = None) -> Iterator[Warehouse]:
    import duckdb

    wh = open_warehouse(path, write=True, command=command)
    try:
        yield wh
    except (duckdb.IOException, duckdb.TransactionException) as e:
        # Disk full, a failing disk: the batch in flight is rolled back with the process, every
        # committed one is kept (the warehouse stays consistent), so say so instead of a traceback.
        # A COMMIT whose WAL write fails comes back as "Failed to commit: Could not write file …".
        if isinstance(e, duckdb.TransactionException) and "Could not write" not in str(e):
            raise
        with contextlib.suppress(Exception):
            wh.close()
        raise StorageError(write_failed(wh.path, str(e))) from None
    finally:
        wh.close()


def write_failed(path: Path, msg: str) -> str:
    if "No space left" in msg or 'errno":"28"' in msg:
        why = "no space left on device"
    elif "Read-only file system" in msg:
        why = "read-only file system"
    else:
        why = msg.splitlines()[0][:300]
    return (
        f"cannot write the warehouse {path}: {why}; every batch committed before this is kept "
        "(`llmcost status`): fix that, then run the same command again to continue"
    )


def open_lake(url: str) -> Warehouse:
    """A read-only warehouse over a published lake (llmcost.warehouse.lake): no local file needed."""
    from llmcost.warehouse import lake

    con, info = lake.open_lake(url)
    wh = Warehouse(Path(info.location.replace("://", "/")), con, None, info)
    _notify(wh)
    return wh


@contextlib.contextmanager
def reader(path: Path, lake: str | None = None, *, prefer_snapshot: bool = False) -> Iterator[Warehouse]:
    """The warehouse at `path` for reading, or with `lake` the lake published at that URL."""
    wh = open_lake(lake) if lake else open_warehouse(path, write=False, prefer_snapshot=prefer_snapshot)
    try:
        yield wh
    finally:
        wh.close()
