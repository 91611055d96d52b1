"""The command-line surface a new user meets first: --version, -h, human metavars, help that
fits 80 columns and names only what the command accepts, --top N|all, and the README's commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from llmcost.cli import COMMANDS, main
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]


def _paths() -> list[tuple[str, ...]]:
    """Every visible command and group, as its argv prefix."""
    import typer

    from llmcost.cli import app, load_all

    load_all()

    def walk(cmd: object, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        out = [path]
        for name, sub in getattr(cmd, "commands", {}).items():
            if not getattr(sub, "hidden", False):
                out += walk(sub, (*path, name))
        return out

    return walk(typer.main.get_command(app), ())


PATHS = _paths()


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main([*argv]) == 0
    out = capsys.readouterr().out
    return out


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def test_version_is_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"llmcost {version('llmcost')}\n"


def test_version_imports_nothing_heavy() -> None:
    heavy = ("duckdb", "pydantic", "numpy", "polars", "pyarrow", "jinja2", "genai_prices", "rich")
    probe = (
        "import sys\nfrom llmcost.cli import main\nmain(['--version'])\n"
        f"print('HEAVY:' + ','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines() == [f"llmcost {version('llmcost')}", "HEAVY:"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "llmcost")
def test_dash_h_is_help(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    long = _help(capsys, *path, "--help")
    assert _help(capsys, *path, "-h") == long
    assert "-h, --help" in long


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "llmcost")
def test_help_reads_at_80_columns(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys, *path, "--help")
    # a Python type in angle brackets (<str>, <list[str]>, <int range>, <path>) is typer's, not ours
    assert not re.search(r"<[a-z][a-zA-Z_\[\], ]*>", text), text
    wide = [line for line in text.splitlines() if len(line) > 80]
    assert not wide, wide
    if "Commands:" in text:  # each listed command on one line, never cut to "..."
        listing = text.split("Commands:")[1].splitlines()
        assert all(line.startswith("  ") and not line.startswith("   ") for line in listing if line), listing
        assert not any(line.rstrip().endswith("...") for line in listing), listing


def test_metavars_say_what_to_type(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys, "report", "--help")
    for shown in ("--by DIM", "--since DATE", "--where DIM=VALUE", "--top N|all", "-o, --output FILE"):
        assert shown in text, shown
    assert "PATH" in _help(capsys, "ingest", "--help").split("Arguments:")[1]
    assert "--seed N" in _help(capsys, "generate", "--help")


def test_top_level_helps_fit_one_line() -> None:
    # 80 columns less click's margins and the longest command name leave 65 characters
    assert all(len(c.help) <= 64 for c in COMMANDS.values()), [c.help for c in COMMANDS.values()]
    assert not any("..." in c.help for c in COMMANDS.values())


@pytest.mark.parametrize(
    ("path", "formats"),
    [
        (("report",), "table, json, jsonl, csv, md or html"),
        (("unit",), "table, json, jsonl, csv or md."),
        (("view", "models"), "table, json, jsonl, csv or md."),
        (("status",), "table or json."),
        (("ingest",), "table or json."),
        (("budgets",), "table, json or md."),
        (("alerts",), "table, json or md."),
        (("pricing", "check"), "table, json or md."),
        (("pricing", "list"), "table, json, csv or md."),
        (("reconcile",), "table, json, csv or md."),
    ],
)
def test_format_help_names_the_formats_the_command_takes(
    path: tuple[str, ...], formats: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _help(capsys, *path, "--help")
    line = " ".join(text.split("--format FORMAT")[1].split("\n  -")[0].split())
    assert line.startswith(formats), line
    if "html" not in formats:
        assert "html" not in text


def test_format_help_matches_what_is_refused(shared: Cli) -> None:
    code, _, err = shared("unit", "--event", "draft_accepted", "--format", "html")
    assert code == 2 and "html" in err
    code, _, err = shared("status", "--format", "md")
    assert code == 2 and "table or json" in err


def test_by_help_names_attr_key(capsys: pytest.CaptureFixture[str]) -> None:
    text = " ".join(_help(capsys, "report", "--help").split())
    assert "attr.KEY" in text


@pytest.mark.parametrize(
    "argv",
    [
        ("report",),
        ("unit", "--event", "draft_accepted"),
        ("view", "models"),
        ("view", "failures"),
        ("budgets", "--month", "2026-09"),
        ("status", "--rejects"),
    ],
)
@pytest.mark.parametrize("value", ["0", "-3", "ten"])
def test_top_zero_or_nonsense_is_a_usage_error(argv: tuple[str, ...], value: str, shared: Cli) -> None:
    code, out, err = shared(*argv, "--top", value)
    assert code == 2 and out == ""
    assert err.startswith("llmcost: --top:"), err


def test_top_all_is_every_row(shared: Cli) -> None:
    code, every, _ = shared("report", "--by", "model", "--format", "csv")
    assert code == 0
    code, all_rows, _ = shared("report", "--by", "model", "--format", "csv", "--top", "all")
    assert code == 0 and all_rows == every
    code, two, _ = shared("report", "--by", "model", "--format", "csv", "--top", "2")
    assert code == 0 and len(two.splitlines()) < len(every.splitlines())
    assert "(other)" in two and "(other)" not in every


def test_top_beyond_a_bigint_is_a_usage_error(shared: Cli) -> None:
    code, _, err = shared("status", "--rejects", "--top", "9" * 30)
    assert code == 2 and "--top" in err


def test_debug_sets_the_environment(shared: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMCOST_DEBUG", raising=False)
    code, _, _ = shared("--debug", "status", "--json")
    assert code == 0
    assert os.environ.get("LLMCOST_DEBUG") == "1"


def _readme_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", text, flags=re.S)
    lines = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split("#")[0].split("||")[0].split(">")[0].strip()
            if line.startswith("llmcost "):
                lines.append(line.split()[1:])
    return lines


def test_readme_commands_and_options_exist(capsys: pytest.CaptureFixture[str]) -> None:
    """Every `llmcost ...` line of the README names commands and options that exist."""
    commands = _readme_commands()
    assert len(commands) > 10
    known = {" ".join(p) for p in PATHS}
    missing = []
    for words in commands:
        path: list[str] = []
        for w in words:
            if w.startswith("-") or " ".join([*path, w]) not in known:
                break
            path.append(w)
        assert path, words
        text = _help(capsys, *path, "--help")
        missing += [f"{' '.join(path)} {w}" for w in words if w.startswith("--") and w not in text]
    assert not missing, missing
