"""`llmcost export parquet DIR`: requests and outcomes as Hive-partitioned Parquet.

Layout: `DIR/requests/date=YYYY-MM-DD/data_0.parquet` and `DIR/outcomes/date=.../data_0.parquet`,
zstd-compressed, one file per table and UTC day, readable as they are by DuckDB
(`read_parquet('DIR/requests/**/*.parquet', hive_partitioning = true)`), polars
(`scan_parquet('DIR/requests/**/*.parquet', hive_partitioning=True)`), Spark and Trino.

Values are exported as stored: the export is the user's own data for their own tools, and a
redacted copy cannot be joined back to the warehouse or to the application's records (two keys
pasted into user ids would both read [REDACTED]). Reports redact secrets when they show values;
`--redact` (`redact=True`) writes every text column with secrets replaced, for an export that
leaves the machine. Files are 0600 and directories 0700 either way.

Whole days only: the window is widened to UTC midnights, so each partition always holds its whole
day and re-exporting a day replaces it (incremental exports with --since / --until are
idempotent). Atomicity: everything is written under a hidden temporary directory first (readers
skip names starting with "."); a new DIR is then renamed into place at once, and into an existing
DIR each day's file is renamed over the old one, so a reader sees a day whole, old or new.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from llmcost.errors import OutputError
from llmcost.faults import crashpoint
from llmcost.fsutil import fsync_path
from llmcost.redact import REDACTED, SECRET_PATTERN
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles
from llmcost.window import Window

if TYPE_CHECKING:
    import duckdb

TABLES = {"requests": "request_id", "outcomes": "event_id"}

SQL = SqlFiles("llmcost.queries")


@dataclass
class ExportResult:
    directory: Path
    window: Window
    days: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> {date: rows}

    def rows(self, table: str) -> int:
        return sum(self.days.get(table, {}).values())

    def as_dict(self) -> dict[str, object]:
        return {
            "directory": str(self.directory),
            "window": self.window.as_dict(),
            "tables": {t: {"rows": self.rows(t), "days": self.days.get(t, {})} for t in TABLES},
        }


def whole_days(window: Window) -> Window:
    """The window widened to UTC midnights (a partition is a whole UTC day)."""

    def floor(at: datetime) -> datetime:
        at = at.astimezone(UTC)
        return datetime(at.year, at.month, at.day, tzinfo=UTC)

    lo = floor(window.since) if window.since else None
    hi = None
    if window.until is not None:
        hi = floor(window.until)
        if hi < window.until:
            hi += timedelta(days=1)
    return Window(lo, hi, "UTC")


def _sql_path(path: Path) -> str:
    # COPY ... TO takes no parameter: the path is quoted as a literal (quotes doubled).
    return str(path).replace("'", "''")


def _columns(con: duckdb.DuckDBPyConnection, table: str, redact: bool) -> str:
    """The select list: every column, with text and JSON columns redacted when asked."""
    if not redact:
        return "t.*"
    replaced = []
    for name, kind, *_ in SQL.run(con, "describe", table=table):
        col = '"' + name.replace('"', '""') + '"'
        if kind == "VARCHAR":
            replaced.append(f"regexp_replace(t.{col}, $secret, $redacted, 'g') AS {col}")
        elif kind == "JSON":
            # the pattern matches no quote or backslash: the replaced text is still valid JSON
            replaced.append(
                f"CAST(regexp_replace(CAST(t.{col} AS VARCHAR), $secret, $redacted, 'g') AS JSON) AS {col}"
            )
    return f"t.* REPLACE ({', '.join(replaced)})" if replaced else "t.*"


def _write(
    con: duckdb.DuckDBPyConnection, staging: Path, window: Window, redact: bool
) -> dict[str, dict[str, int]]:
    days: dict[str, dict[str, int]] = {}
    params = {**window.params(), "secret": SECRET_PATTERN, "redacted": REDACTED}
    for table, id_column in TABLES.items():
        counts = SQL.render("export_counts", table=table, window=window.predicate("t"))
        days[table] = {str(d): int(n) for d, n in sqlrun.run(con, counts, params)}
        if not days[table]:
            continue
        copy = SQL.render(
            "export",
            table=table,
            columns=_columns(con, table, redact),
            id=id_column,
            window=window.predicate("t"),
            target=_sql_path(staging / table),
        )
        sqlrun.run(con, copy, params)
    for f in staging.rglob("*.parquet"):
        fsync_path(f)
    return days


def export_parquet(
    con: duckdb.DuckDBPyConnection, directory: Path, window: Window, *, redact: bool = False
) -> ExportResult:
    directory = directory.expanduser()
    window = whole_days(window)
    fresh = not directory.exists()
    if not fresh and not directory.is_dir():
        raise OutputError(f"cannot export to {directory}: not a directory")
    parent = directory.parent if fresh else directory
    prefix = f".{directory.name if fresh else 'export'}."
    staging = parent / f"{prefix}{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp"
    old_umask = os.umask(0o077)  # every directory and file the export creates is private
    try:
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"cannot create {parent}: {e.strerror}") from None
        _clear_dead_staging(parent, prefix)
        staging.mkdir(mode=0o700)
        days = _write(con, staging, window, redact)
        crashpoint("export.before_rename")
        if fresh:
            os.rename(staging, directory)
            fsync_path(parent)
        else:
            _replace_days(staging, directory)
    except OSError as e:
        raise OutputError(f"cannot export to {directory}: {e.strerror or e}") from None
    finally:
        os.umask(old_umask)
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(directory, window, days)


def _clear_dead_staging(parent: Path, prefix: str) -> None:
    """An export killed before its rename leaves its hidden staging directory (a whole export's
    worth of files) behind. Remove those whose process is gone; a live one may be a concurrent
    export. The name carries the writer's pid: `.NAME.PID-RANDOM.tmp`."""
    try:
        entries = list(parent.iterdir())
    except OSError:
        return  # the export itself will say what is wrong with the directory
    for p in entries:
        if not (p.name.startswith(prefix) and p.name.endswith(".tmp") and p.is_dir()):
            continue
        pid = p.name[len(prefix) :].partition("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _replace_days(staging: Path, directory: Path) -> None:
    """Move each staged day over the exported one: one rename per file, so each day is whole."""
    for table in TABLES:
        src_root = staging / table
        if not src_root.is_dir():
            continue
        for day in sorted(p for p in src_root.iterdir() if p.is_dir()):
            target = directory / table / day.name
            target.mkdir(parents=True, exist_ok=True, mode=0o700)
            written = sorted(day.glob("*.parquet"))
            for f in written:
                os.replace(f, target / f.name)
                crashpoint("export.mid_rename")
            # A day re-exported with fewer files must not keep a stale one beside the new.
            keep = {f.name for f in written}
            for old in target.glob("*.parquet"):
                if old.name not in keep:
                    old.unlink()
            fsync_path(target)
