"""Durability helpers shared by everything that writes files (segments, exports, reports)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_path(path: Path) -> None:
    """Flush a file or a directory (a rename is durable once its directory is) to disk; best
    effort where the filesystem does not allow it."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
