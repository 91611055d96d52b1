"""--format table|json|csv|md and -o on the data commands: CSV and Markdown are sane, and a
format that does not fit a command's output is a usage error (exit 2) that says so."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.cli.conftest import DAY, MONTH
from tests.conftest import Cli

TABLES = [
    ["report", "--by", "feature"],
    ["unit", "--event", "draft_accepted"],
    ["view", "models"],
    ["view", "failures"],
]


@pytest.mark.parametrize("argv", TABLES)
def test_csv_is_a_table(argv: list[str], shared: Cli) -> None:
    code, out, _ = shared(*argv, "-f", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "row" and len({len(r) for r in rows}) == 1 and len(rows) > 2


@pytest.mark.parametrize(
    "argv", [*TABLES, ["alerts", "--at", DAY, "--fail-on", "never"], ["budgets", "--month", MONTH]]
)
def test_markdown(argv: list[str], shared: Cli) -> None:
    code, out, _ = shared(*argv, "-f", "md")
    assert code == 0
    assert out.strip() and "\x1b" not in out


@pytest.mark.parametrize(
    ("argv", "fmt"),
    [
        (["pricing", "list", "--provider", "anthropic"], "csv"),
        (["pricing", "list", "--provider", "anthropic"], "md"),
        (["pricing", "show", "claude-sonnet-4"], "csv"),
        (["pricing", "show", "claude-sonnet-4"], "md"),
    ],
)
def test_pricing_csv_and_markdown(argv: list[str], fmt: str, shared: Cli) -> None:
    code, out, err = shared(*argv, "-f", fmt, db=False)
    assert code == 0, err
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert "input" in rows[0] and "output" in rows[0] and len(rows) > 1
        assert len({len(r) for r in rows}) == 1
    else:
        assert "| input |" in out.replace("| input tokens |", "") or "| input " in out
        assert "|---:" in out or "|:---" in out


def test_pricing_check_as_markdown(shared: Cli) -> None:
    code, out, _ = shared("pricing", "check", "-f", "md")
    assert code == 0 and "| provider |" in out


@pytest.mark.parametrize(
    ("argv", "fmt", "says"),
    [
        (["alerts", "--at", DAY], "csv", "alerts: --format csv is not available"),
        (["budgets", "--month", MONTH], "csv", "budgets: --format csv is not available"),
        (["status"], "csv", "status: --format csv is not available"),
        (["status"], "md", "status: --format md is not available"),
        (["pricing", "check"], "csv", "pricing check: --format csv is not available (several tables"),
        (["report"], "yaml", "--format: choose from"),
    ],
)
def test_a_format_that_does_not_fit_is_a_usage_error(
    argv: list[str], fmt: str, says: str, shared: Cli
) -> None:
    code, out, err = shared(*argv, "--format", fmt)
    assert code == 2 and out == ""
    assert says in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["status"],
        ["budgets", "--month", MONTH],
        ["alerts", "--at", DAY, "--fail-on", "never"],
        ["pricing", "check"],
        ["reconcile", "--month", MONTH],
    ],
)
def test_table_to_a_file(argv: list[str], shared: Cli, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    code, out, _err = shared(*argv, "-o", str(target))
    assert code in (0, 1, 2) and out == ""
    if argv[0] == "reconcile" and code == 2:
        return  # nothing imported into the shared warehouse: reconcile says so
    assert target.read_text("utf-8").strip()
