"""Writing a report file whole or not at all: a private temp file beside the target, fsync,
rename over the target, fsync the directory. A reader never sees half a report, and a crash
leaves the old file (or none), never a truncated one."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from llmcost.errors import OutputError
from llmcost.redact import redact

_PRIVATE = 0o600


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all, mode 0600 (also when it replaces a wider file)."""
    path = path.expanduser()
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a directory")
    if path.exists() and not path.is_file():
        _write_stream(path, data)  # /dev/stdout, a named pipe: nothing to rename over
        return
    tmp = parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE)
    except FileExistsError:
        with contextlib.suppress(OSError):
            tmp.unlink()  # left by a process with our pid that died: nobody else writes this name
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE)
        except OSError as e:
            raise OutputError(f"cannot write {path}: {e.strerror}") from None
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    with contextlib.suppress(OSError):
        dfd = os.open(parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _write_stream(path: Path, data: bytes) -> None:
    """Write to a character device or a FIFO in place. Renaming a temp file over `/dev/stdout`
    would replace the device node itself (as root), and a pipe's reader would never see the data."""
    try:
        with path.open("wb") as fh:
            fh.write(data)
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None


def write_text_atomic(path: Path, text: str) -> None:
    """A text output (report, dashboard, .prom) written whole, mode 0600, secrets redacted."""
    write_atomic(path, redact(text).encode("utf-8"))
