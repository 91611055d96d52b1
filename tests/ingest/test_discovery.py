"""RELIABILITY.md item 18: symlinks out of the root, symlink loops, `..` in paths, FIFOs."""

from __future__ import annotations

import os
from pathlib import Path

from llmcost.ingest.discover import discover
from tests.conftest import Cli
from tests.ingest.lines import jsonl, request


def test_symlink_out_of_the_root_is_not_followed_and_is_reported(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.log").write_bytes(jsonl([request(1)]))
    root = tmp_path / "logs"
    root.mkdir()
    (root / "app.log").write_bytes(jsonl([request(2)]))
    (root / "escape.log").symlink_to(outside / "secret.log")
    (root / "inside.log").symlink_to(root / "app.log")  # stays inside: fine (same file, read once)
    inputs, skipped = discover([str(root)])
    assert [Path(i.display).name for i in inputs] == ["app.log", "inside.log"]
    assert len(skipped) == 1 and "points outside" in skipped[0].reason and "escape.log" in skipped[0].display


def test_symlink_loop_and_dotdot_paths(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "sub" / "a.log").write_bytes(jsonl([request(1)]))
    inputs, _ = discover([str(root / "sub" / ".." / "sub")])
    assert [Path(i.display).name for i in inputs] == ["a.log"]  # the loop is not walked


def test_fifo_is_skipped_with_a_hint(tmp_path: Path, cli: Cli) -> None:
    fifo = tmp_path / "pipe.log"
    os.mkfifo(fifo)
    (tmp_path / "a.log").write_bytes(jsonl([request(1)]))
    code, _, err = cli("ingest", str(tmp_path), "--quiet")
    assert code == 0
    assert "pipe.log: a FIFO: skipped (pipe it to `llmcost ingest -` instead)" in err


def test_rotated_files_are_read_oldest_first(tmp_path: Path) -> None:
    for name in ["app.log", "app.log.1", "app.log.2.gz", "app.log.10", "other.log"]:
        (tmp_path / name).write_bytes(b"{}\n")
    inputs, _ = discover([str(tmp_path)])
    assert [Path(i.display).name for i in inputs] == [
        "app.log.10",
        "app.log.2.gz",
        "app.log.1",
        "app.log",
        "other.log",
    ]
