"""Long tables on a real terminal (a pseudo-terminal from `pty`): the top 20 rows with (other), the
total and a footer saying how to see the rest; every row when piped; --pager through LLMCOST_PAGER."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

FOOTER = "showing the top 20 of 30; --top all for every row"


@pytest.fixture(scope="module")
def thirty_tenants(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three days of generated traffic from 30 tenants, ingested."""
    from llmcost.cli import main

    base = tmp_path_factory.mktemp("tty")
    logs, db = base / "logs", base / "warehouse.duckdb"
    argv = ["generate", str(logs), "--requests", "2000", "--tenants", "30", "--days", "3"]
    assert main([*argv, "--start", "2026-10-01"]) == 0
    assert main(["ingest", str(logs), "--db", str(db), "--quiet"]) == 0
    return db


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PAGER", "LLMCOST_PAGER", "COLUMNS")}
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return {**env, "COLUMNS": "80", "LINES": "24", "NO_COLOR": "1", **extra}


def on_a_terminal(*argv: str, **env: str) -> tuple[int, list[str]]:
    """Run llmcost with stdout and stderr on a pseudo-terminal; its exit code and its lines."""
    full = _env(**env)
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdout is the terminal
        os.execve(sys.executable, [sys.executable, "-m", "llmcost", *argv], full)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # NO_COLOR keeps bold and italic
    return os.waitstatus_to_exitcode(status), text.splitlines()


def piped(*argv: str, **env: str) -> tuple[int, list[str]]:
    proc = subprocess.run(
        [sys.executable, "-m", "llmcost", *argv], capture_output=True, text=True, env=_env(**env), timeout=60
    )
    return proc.returncode, proc.stdout.splitlines()


def _tenants(lines: list[str]) -> list[str]:
    return [line for line in lines if line.lstrip(" P:").startswith("tenant_")]


def test_a_terminal_shows_the_top_20_with_other_total_and_footer(thirty_tenants: Path) -> None:
    code, lines = on_a_terminal("report", "--db", str(thirty_tenants))
    assert code == 0, lines
    assert len(_tenants(lines)) == 20
    assert any(line.startswith("(other)") for line in lines)
    assert any(line.startswith("total") for line in lines)
    assert lines[-1] == FOOTER
    assert not any("folded into (other)" in line for line in lines)  # the footer says it once


def test_piped_output_keeps_every_row(thirty_tenants: Path) -> None:
    code, lines = piped("report", "--db", str(thirty_tenants))
    assert code == 0
    assert len(_tenants(lines)) == 30
    assert not any(line.startswith("(other)") for line in lines)
    assert FOOTER not in lines


@pytest.mark.parametrize("argv", [("--top", "all"), ("--format", "csv"), ("--format", "md")])
def test_top_all_or_another_format_keeps_every_row_on_a_terminal(
    thirty_tenants: Path, argv: tuple[str, ...]
) -> None:
    code, lines = on_a_terminal("report", "--db", str(thirty_tenants), *argv)
    assert code == 0, lines
    assert len([line for line in lines if "tenant_" in line or "tenant\\_" in line]) == 30
    assert FOOTER not in lines


def test_an_explicit_top_has_no_footer(thirty_tenants: Path) -> None:
    code, lines = on_a_terminal("report", "--db", str(thirty_tenants), "--top", "5")
    assert code == 0, lines
    assert len(_tenants(lines)) == 5 and any(line.startswith("(other)") for line in lines)
    assert not any(line.startswith("showing the top") for line in lines)


def test_unit_on_a_terminal_has_the_same_default(thirty_tenants: Path) -> None:
    code, lines = on_a_terminal(
        "unit", "--event", "draft_accepted", "--by", "tenant", "--db", str(thirty_tenants)
    )
    assert code == 0, lines
    assert len(_tenants(lines)) == 20 and lines[-1] == FOOTER


def test_top_zero_on_a_terminal_is_a_usage_error(thirty_tenants: Path) -> None:
    code, lines = on_a_terminal("report", "--db", str(thirty_tenants), "--top", "0")
    assert code == 2
    assert lines == ["llmcost: --top: give at least 1 row, or all (got '0')"]


@pytest.mark.parametrize("where", ["command", "root"])
def test_pager_gets_every_row(thirty_tenants: Path, where: str) -> None:
    argv = ["report", "--db", str(thirty_tenants), "--pager"]
    if where == "root":
        argv = ["--pager", *argv[:-1]]
    code, lines = on_a_terminal(*argv, LLMCOST_PAGER="sed 's/^/P:/'", PAGER="false")
    assert code == 0, lines
    assert lines[0].startswith("P:Spend by tenant")
    assert all(line.startswith("P:") for line in lines), lines
    assert len(_tenants(lines)) == 30  # a pager scrolls: nothing is cut
    assert "P:" + FOOTER not in lines


def test_pager_falls_back_to_pager(thirty_tenants: Path) -> None:
    code, lines = on_a_terminal("report", "--db", str(thirty_tenants), "--pager", PAGER="sed 's/^/P:/'")
    assert code == 0 and lines[0].startswith("P:Spend by tenant")


def test_pager_is_not_used_when_piped(thirty_tenants: Path) -> None:
    code, lines = piped("report", "--db", str(thirty_tenants), "--pager", LLMCOST_PAGER="sed 's/^/P:/'")
    assert code == 0
    assert lines[0].startswith("Spend by tenant") and len(_tenants(lines)) == 30


def test_a_reader_quitting_the_pager_early_is_no_error(thirty_tenants: Path) -> None:
    code, lines = on_a_terminal("report", "--db", str(thirty_tenants), "--pager", LLMCOST_PAGER="head -3")
    assert code == 0
    assert lines[0].startswith("Spend by tenant") and len(lines) == 3, lines


def test_llmcost_pager_alone_pages_and_no_pager_does_not(thirty_tenants: Path) -> None:
    db = str(thirty_tenants)
    code, lines = on_a_terminal("report", "--db", db, LLMCOST_PAGER="sed 's/^/P:/'")
    assert code == 0 and lines[0].startswith("P:Spend by tenant")
    code, lines = on_a_terminal("report", "--db", db, "--no-pager", LLMCOST_PAGER="sed 's/^/P:/'")
    assert code == 0 and lines[0].startswith("Spend by tenant") and lines[-1] == FOOTER
    code, lines = on_a_terminal("report", "--db", db, PAGER="sed 's/^/P:/'")  # PAGER alone: no
    assert code == 0 and lines[0].startswith("Spend by tenant")


def test_a_time_series_is_shown_whole(thirty_tenants: Path) -> None:
    """Sorted by time, the first 20 rows are not the biggest: nothing is cut."""
    code, lines = on_a_terminal("report", "--db", str(thirty_tenants), "--by", "day,tenant")
    assert code == 0, lines
    assert len([line for line in lines if "tenant_" in line]) > 60
    assert not any(line.startswith(("(other)", "showing the top")) for line in lines)


def test_budgets_on_a_terminal_show_20_tenants_and_say_so(thirty_tenants: Path) -> None:
    argv = ("budgets", "--month", "2026-10", "--db", str(thirty_tenants))
    code, lines = on_a_terminal(*argv)
    assert code == 0, lines
    assert lines[-1] == FOOTER
    assert not any("more tenant(s) not shown" in line for line in lines)
    code, lines = on_a_terminal(*argv, "--top", "all")
    assert code == 0 and FOOTER not in lines
    code, lines = piped(*argv)
    assert code == 0 and FOOTER not in lines
    assert sum(1 for line in lines if line.startswith("tenan")) == 1 + 30  # the header, every tenant
