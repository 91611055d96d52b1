"""`-o` targets that are not regular files: a named pipe (and so /dev/stdout) is written in place.

Writing through a temp file and renaming it over the target replaced `/dev/stdout` itself with a
regular file when run as root (found running `export prometheus /dev/stdout`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from llmcost.report.output import write_atomic


def test_a_named_pipe_gets_the_bytes_and_stays_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, b"llmcost_spend_usd 1.5\n")
    reader.join(timeout=10)
    assert got == [b"llmcost_spend_usd 1.5\n"]
    assert fifo.is_fifo()
    assert [p.name for p in tmp_path.iterdir()] == ["out.fifo"]  # no temp file left beside it


def test_a_regular_file_is_still_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
