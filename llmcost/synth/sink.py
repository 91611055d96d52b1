"""Where the lines go: time-ordered across batches, split into rotated or per-day files, optionally
gzipped (deterministically: no name, mtime 0), written by a background thread so compression overlaps
with generation."""

from __future__ import annotations

import gzip
import io
import queue
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl

from llmcost.synth.calendar import DAY_MS

GZIP_LEVEL = 3  # fast; logrotate uses 6, which reads the same but takes twice as long to write


@dataclass
class FileStats:
    path: Path
    lines: int = 0
    bytes: int = 0  # uncompressed
    first_ts_ms: int | None = None
    last_ts_ms: int | None = None

    def as_dict(self, root: Path) -> dict[str, object]:
        def iso(ms: int | None) -> str | None:
            if ms is None:
                return None
            return (
                datetime.fromtimestamp(ms / 1000, UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z")
            )

        return {
            "path": self.path.relative_to(root).as_posix(),
            "lines": self.lines,
            "bytes": self.bytes,
            "compressed_bytes": self.path.stat().st_size if self.path.suffix == ".gz" else None,
            "first_ts": iso(self.first_ts_ms),
            "last_ts": iso(self.last_ts_ms),
        }


def file_names(layout: int | str, start_ms: int, end_ms: int, gz: bool) -> tuple[list[str], list[int]]:
    """File names, oldest first, and the time boundaries between them (len = files + 1)."""
    suffix = ".gz" if gz else ""
    if layout == "day":
        bounds = [*list(range(start_ms, end_ms, DAY_MS)), end_ms]
        names = [
            f"app-{datetime.fromtimestamp(b / 1000, UTC).date().isoformat()}.jsonl{suffix}"
            for b in bounds[:-1]
        ]
        return names, bounds
    n = int(layout)
    bounds = [start_ms + (end_ms - start_ms) * i // n for i in range(n + 1)]
    names = [("app.log" if i == n - 1 else f"app.log.{n - 1 - i}") + suffix for i in range(n)]
    return names, bounds


@dataclass
class Sink:
    out_dir: Path
    names: list[str]
    bounds: list[int]
    gz: bool = False
    stats: list[FileStats] = field(default_factory=list)
    _pending: pl.DataFrame | None = None
    _queue: queue.Queue[tuple[int, bytes] | None] = field(default_factory=lambda: queue.Queue(maxsize=4))
    _error: list[BaseException] = field(default_factory=list)
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.stats = [FileStats(self.out_dir / n) for n in self.names]
        self._thread = threading.Thread(target=self._write_loop, name="llmcost-synth-writer", daemon=True)
        self._thread.start()

    def push(self, frame: pl.DataFrame, horizon_ms: int | None) -> None:
        """Add (ts, ord, line) rows; write, in order, every row earlier than `horizon_ms` (no later
        batch can produce one), keeping the rest for the next push."""
        combined = frame if self._pending is None else pl.concat([self._pending, frame])
        if horizon_ms is None:
            ready, self._pending = combined, None
        else:
            early = combined["ts"] < horizon_ms
            ready, self._pending = combined.filter(early), combined.filter(~early)
        if ready.height:
            self._emit(ready.sort(["ts", "ord"]))

    def _emit(self, rows: pl.DataFrame) -> None:
        ts = rows["ts"].to_numpy()
        which = np.clip(np.searchsorted(np.array(self.bounds), ts, side="right") - 1, 0, len(self.names) - 1)
        cuts = np.flatnonzero(np.diff(which)) + 1
        for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(ts)], strict=True):
            i = int(which[lo])
            buf = io.BytesIO()
            rows.slice(int(lo), int(hi - lo)).select("line").write_csv(
                buf, include_header=False, quote_style="never"
            )
            data = buf.getvalue()
            st = self.stats[i]
            st.lines += int(hi - lo)
            st.bytes += len(data)
            st.first_ts_ms = int(ts[lo]) if st.first_ts_ms is None else st.first_ts_ms
            st.last_ts_ms = int(ts[hi - 1])
            self._put((i, data))

    def _put(self, item: tuple[int, bytes] | None) -> None:
        if self._error:
            raise self._error[0]
        self._queue.put(item)

    def _write_loop(self) -> None:
        current: int | None = None
        fh: BinaryIO | None = None
        raw: BinaryIO | None = None
        try:
            while (item := self._queue.get()) is not None:
                i, data = item
                while current is None or current < i:  # open files in order, empty ones included
                    if fh is not None:
                        fh.close()
                    if raw is not None and raw is not fh:
                        raw.close()
                    current = 0 if current is None else current + 1
                    raw, fh = self._open(current)
                assert fh is not None
                fh.write(data)
        except BaseException as e:  # surfaced to the producer on its next put or at close
            self._error.append(e)
            while self._queue.get() is not None:
                pass
        finally:
            last = -1 if current is None else current
            if fh is not None:
                fh.close()
            if raw is not None and raw is not fh:
                raw.close()
            for j in range(last + 1, len(self.names)):
                if not self._error:
                    r, f = self._open(j)
                    f.close()
                    if r is not f:
                        r.close()

    def _open(self, i: int) -> tuple[BinaryIO, BinaryIO]:
        raw: BinaryIO = open(self.stats[i].path, "wb")  # noqa: SIM115 - closed by the write loop
        if not self.gz:
            return raw, raw
        return raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL)  # type: ignore[return-value]

    def abort(self) -> None:
        """Stop the writer without flushing (the run failed; the caller re-raises)."""
        self._pending = None
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join()

    def close(self) -> list[FileStats]:
        if self._pending is not None and self._pending.height:
            pending, self._pending = self._pending, None
            self._emit(pending.sort(["ts", "ord"]))
        self._queue.put(None)
        assert self._thread is not None
        self._thread.join()
        if self._error:
            raise self._error[0]
        return self.stats
