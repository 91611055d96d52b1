"""`llmcost generate` end to end, in-process."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from llmcost.synth import Manifest
from tests.conftest import Cli
from tests.synth.conftest import tree_bytes


def test_generate_command(tmp_path: Path, cli: Cli) -> None:
    out = tmp_path / "logs"
    code, _, err = cli(
        "generate",
        str(out),
        "--requests",
        "1500",
        "--days",
        "10",
        "--tenants",
        "12",
        "--seed",
        "9",
        "--files",
        "2",
        "--gzip",
        "--anomalies",
        "embed-surge,budget-pace",
        "--start",
        "2026-11-01",
        db=False,
    )
    assert code == 0
    assert "llmcost generate:" in err and "planted embed-surge" in err and "planted budget-pace" in err
    m = Manifest.load(out)
    assert [p.name for p in m.files] == ["app.log.1.gz", "app.log.gz"]
    assert m.data["params"]["seed"] == 9 and m.data["window"]["start"] == "2026-11-01T00:00:00.000Z"


def test_article_command(tmp_path: Path, cli: Cli) -> None:
    code, _, err = cli("generate", str(tmp_path), "--scenario", "article", db=False)
    # $612 over 12,400 requests = $0.049355 and over 9,100 drafts = $0.067253, four significant digits
    assert code == 0 and "$0.04935 per request, $0.06725 per accepted draft" in err


@pytest.mark.parametrize(
    "args",
    [
        ["--anomalies", "nope"],
        ["--files", "x"],
        ["--start", "10/01/2026"],
        ["--scenario", "year"],
        ["--days", "0"],
    ],
)
def test_usage_errors(tmp_path: Path, cli: Cli, args: list[str]) -> None:
    code, _, err = cli("generate", str(tmp_path / "x"), "--requests", "100", *args, db=False)
    assert code == 2 and "llmcost:" in err


def test_end_alone_writes_a_month_ending_that_day(tmp_path: Path, cli: Cli) -> None:
    args = ("--requests", "300", "--tenants", "8", "--seed", "3", "--end", "2026-11-18")
    code, _, err = cli("generate", str(tmp_path / "a"), *args, db=False)
    assert code == 0
    assert "month scenario, 2026-10-20 to 2026-11-18 (30 days)" in err
    window = Manifest.load(tmp_path / "a").data["window"]
    assert (window["start"], window["end"]) == ("2026-10-20T00:00:00.000Z", "2026-11-19T00:00:00.000Z")
    # a fixed --end is deterministic: the same files, byte for byte
    assert cli("generate", str(tmp_path / "b"), *args, db=False)[0] == 0
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")


def test_end_with_start_or_days(tmp_path: Path, cli: Cli) -> None:
    common = ("--requests", "200", "--tenants", "6", "--anomalies", "none")
    code, _, err = cli(
        "generate", str(tmp_path / "a"), *common, "--start", "2026-11-10", "--end", "2026-11-14", db=False
    )
    assert code == 0 and "2026-11-10 to 2026-11-14 (5 days)" in err
    code, _, err = cli(
        "generate", str(tmp_path / "b"), *common, "--days", "3", "--end", "2026-11-14", db=False
    )
    assert code == 0 and "2026-11-12 to 2026-11-14 (3 days)" in err


def test_end_yesterday(tmp_path: Path, cli: Cli) -> None:
    code, _, _ = cli(
        "generate", str(tmp_path), "--requests", "200", "--tenants", "6", "--end", "yesterday", db=False
    )
    assert code == 0
    today = datetime.now(UTC).date()
    assert Manifest.load(tmp_path).data["window"]["end"][:10] == today.isoformat()


def test_the_summary_reads_as_numbers_for_people(tmp_path: Path, cli: Cli) -> None:
    code, _, err = cli("generate", str(tmp_path), "--requests", "2000", "--tenants", "20", db=False)
    assert code == 0
    money = re.findall(r"\$[\d,.]+", err)
    assert money and all(re.fullmatch(r"\$(\d{1,3}(,\d{3})*\.\d{2}|0\.\d+)", m) for m in money), money
    assert not re.search(r"\d\.\d{3,}×", err)  # ratios to two places: 2.50×, not 2.4999x
    assert re.search(r"errors/timeouts", err) and not re.search(r"\d\.\d{2,}%", err)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--end", "31/10/2026"], "--end must be a date like 2026-10-31, today or yesterday"),
        (
            ["--start", "2026-10-01", "--end", "2026-10-31", "--days", "5"],
            "give two of --start, --end and --days",
        ),
        (["--start", "2026-10-05", "--end", "2026-10-01"], "--end 2026-10-01 is before --start 2026-10-05"),
    ],
)
def test_end_usage_errors(tmp_path: Path, cli: Cli, args: list[str], message: str) -> None:
    code, _, err = cli("generate", str(tmp_path / "x"), "--requests", "100", *args, db=False)
    assert code == 2 and message in err
    assert not (tmp_path / "x").exists()


def test_generate_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    """In a real pseudo-terminal the days go by on a bar, which clears before the summary."""
    import io
    import os
    import sys

    import pexpect

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "COLUMNS": "80",
        "LINES": "24",
        "LLMCOST_HOME": str(tmp_path),
    }
    env.pop("NO_COLOR", None)
    args = ["-m", "llmcost", "generate", str(tmp_path / "logs"), "--requests", "3000", "--tenants", "12"]
    seen = io.StringIO()
    child = pexpect.spawn(sys.executable, args, env=env, dimensions=(24, 80), encoding="utf-8", timeout=120)
    child.logfile_read = seen
    child.expect(r"llmcost generate: [\d,]+ lines")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.getvalue())
    assert re.search(r"generating [━╸ ]+\s*\d+/30 days", text), text[:2000]
