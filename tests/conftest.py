"""Shared fixtures: every test gets its own LLMCOST_HOME, so none touches a real home."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# In CI (CI set, as CI services do) Hypothesis draws the same examples every run: main stays green
# for reasons of its own code, not of a lucky draw. Locally every run explores new examples; a failure
# prints the blob that replays it (@reproduce_failure).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test reads or writes a real home, or a config in the working directory; output is
    uncoloured and 100 columns wide (folders that want another width set COLUMNS again)."""
    from llmcost.cli import common

    monkeypatch.setenv("LLMCOST_HOME", str(tmp_path))
    for var in ("LLMCOST_DB", "LLMCOST_CONFIG", "LLMCOST_WEBHOOK_URL", "FORCE_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(tmp_path)
    common.out_console.cache_clear()
    common.err_console.cache_clear()
    yield tmp_path
    common.out_console.cache_clear()
    common.err_console.cache_clear()


class Cli:
    """Runs `llmcost` in-process against one warehouse; returns (exit code, stdout, stderr)."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = db
        self.capsys = capsys

    def __call__(self, *args: str, db: bool = True) -> tuple[int, str, str]:
        from llmcost.cli import main
        from llmcost.cli.common import set_color

        set_color("auto")
        argv = [*args, "--db", str(self.db)] if db else list(args)
        code = main(argv)
        out, err = self.capsys.readouterr()
        return code, out, err

    def ingest(self, *paths: Path | str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
        code, out, err = self("ingest", *map(str, paths), "--json", *extra)
        assert code == 0, err
        summary: dict[str, Any] = json.loads(out)
        assert summary["totals"]["residual"] == 0
        return summary


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "wh" / "warehouse.duckdb", capsys)
