"""Golden files for the commands the report goldens do not cover: ingest's summary, status, the
pricing commands (show, list, check, whatif, reprice), compare, traces and trace, in every format each one takes.

Regenerate with the one golden command (and review the diff):

    LLMCOST_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/report/test_golden.py \
        tests/report/test_renderers_golden.py tests/cli/test_command_goldens.py

Prices come from the user's rates below, not the catalog, so a genai-prices release does not move
the files (its snapshot's name is normalised too). The log is tests/report/data/app.jsonl (25
requests, 9 outcomes, a duplicate, two rejects, one unpriced `mystery-model`). Paths and the times of
the ingest run, its speed, and price_ref hashes (they hash the catalog snapshot's name) are
replaced by placeholders; nothing else is.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.report.helpers import APP_LOG, run
from tests.report.test_golden import WIDTHS, check, fits

RATES = """[pricing]
cost_mode = "derived"

[[pricing.rates]]
provider = "anthropic"
model = "claude-sonnet-4"
input = 3.00
cached_input = 0.30
output = 15.00

[[pricing.rates]]
provider = "openai"
model = "gpt-4.1-mini"
input = 0.40
cached_input = 0.10
output = 1.60

[[pricing.rates]]
provider = "openai"
model = "gpt-4.1-nano"
input = 0.10
cached_input = 0.025
output = 0.40

[[pricing.rates]]
provider = "openai"
model = "text-embedding-3-small"
input = 0.02
output = 0

[[pricing.rates]]
provider = "vllm"
model = "house-llm"
input = 0.10
output = 0.20
per_request = 0.0001
"""

CASES: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "status": (["status"], ("table", "json")),
    "pricing_show": (
        ["pricing", "show", "house-llm", "--provider", "vllm", "--at", "2026-05-05"],
        ("table", "json"),
    ),
    "pricing_list": (["pricing", "list", "--provider", "vllm", "--at", "2026-05-05"], ("table", "json")),
    "pricing_check": (["pricing", "check"], ("table", "json", "md")),
    "pricing_whatif": (
        ["pricing", "whatif", "--model", "gpt-4.1-nano", "--from-model", "gpt-4.1-mini"],
        ("table", "json"),
    ),
    "pricing_reprice_dry_run": (["pricing", "reprice", "--dry-run"], ("table", "json", "csv", "md")),
    "compare": (
        ["compare", "--by", "prompt_version", "--values", "v3,v4", "--event", "draft_accepted"],
        ("table", "json", "csv", "md"),
    ),
    "traces": (["traces"], ("table", "json", "csv", "md")),
    "trace": (["trace", "t-01"], ("table", "json", "csv", "md")),
}
SUFFIX = {"table": "txt", "json": "json", "csv": "csv", "md": "md"}


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from llmcost.cli import main

    base = tmp_path_factory.mktemp("command-goldens")
    config = base / "llmcost.toml"
    config.write_text(RATES, "utf-8")
    db = base / "w.duckdb"
    assert main(["ingest", str(APP_LOG), "--db", str(db), "--config", str(config), "--quiet"]) == 0
    return db, config


def _normalised(text: str, base: Path) -> str:
    if str(APP_LOG) in text:  # columns sized to a path that differs per checkout: spacing is not compared
        text = re.sub(r"(?m)(\S) {2,}", r"\1  ", text).replace(" \n", "\n")
        text = re.sub("─+", "─", text)  # the rule under the header is as wide as the table
    text = text.replace(str(base), "<dir>").replace(str(APP_LOG), "<log>")
    text = re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?(?=\D|$)", _keep_data_times, text)
    text = re.sub(r"\b(in|took) [0-9.]+ s \([0-9,]+ lines/s\)", r"\1 <seconds> s (<rate> lines/s)", text)
    text = re.sub(r"(genai-prices [^\]]*\])(\s+)#[0-9a-f]{8}", r"\1\2#<ref>", text)  # hashes the snapshot
    return re.sub(r'"seconds": [0-9.]+', '"seconds": "<seconds>"', text)


def _keep_data_times(m: re.Match[str]) -> str:
    """The log's own times (May 2026) stay; the ingest run's (today) become a placeholder."""
    return m.group(0) if m.group(0).startswith("2026-05") else "<run time>"


@pytest.mark.parametrize(
    ("case", "fmt"), [(case, fmt) for case, (_, formats) in CASES.items() for fmt in formats]
)
def test_command_golden(
    case: str, fmt: str, house: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, config = house
    argv, _ = CASES[case]
    where = (
        [] if argv[:2] in (["pricing", "show"], ["pricing", "list"]) else ["--db", str(db)]
    )  # no warehouse
    code, out, err = run(capsys, *argv, "--format", fmt, *where, "--config", str(config))
    assert code == 0, err
    check(f"cmd_{case}.{SUFFIX[fmt]}", _normalised(out, db.parent))


def test_ingest_summary_golden(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "llmcost.toml"
    config.write_text(RATES, "utf-8")
    for fmt in ("table", "json"):
        db = tmp_path / fmt / "w.duckdb"
        code, out, err = run(
            capsys, "ingest", str(APP_LOG), "--format", fmt, "--db", str(db), "--config", str(config)
        )
        assert code == 0, err
        text = out if fmt == "json" else err  # the table summary goes to stderr, data to stdout
        check(f"cmd_ingest.{SUFFIX[fmt]}", _normalised(text, db.parent))


def test_hand_checked_cells(house: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """A few numbers computed by hand from the rates above, before trusting the whole files."""
    import json

    db, config = house
    code, out, _ = run(
        capsys, "pricing", "show", "house-llm", "--provider", "vllm", "--at", "2026-05-05",
        "--format", "json", "--config", str(config),
    )  # fmt: skip
    assert code == 0
    assert "0.1" in out and "0.2" in out  # input $0.10, output $0.20 per 1M
    code, out, _ = run(
        capsys,
        "pricing",
        "reprice",
        "--dry-run",
        "--format",
        "json",
        "--db",
        str(db),
        "--config",
        str(config),
    )
    doc = json.loads(out)
    assert doc["schema"] == "llmcost.pricing.reprice/1"


# -- the tables at 80 and 120 columns ---------------------------------------------------------------


@pytest.fixture(scope="module")
def here(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The log ingested by its relative name: `status` shows the path as it was given, so its table
    is laid out the same in every checkout."""
    import os

    from llmcost.cli import main

    base = tmp_path_factory.mktemp("command-widths")
    shutil.copy(APP_LOG, base / "app.jsonl")
    config = base / "llmcost.toml"
    config.write_text(RATES, "utf-8")
    db = base / "w.duckdb"
    cwd = os.getcwd()
    os.chdir(base)
    try:
        assert main(["ingest", "app.jsonl", "--db", str(db), "--config", str(config), "--quiet"]) == 0
    finally:
        os.chdir(cwd)
    return db, config


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", list(CASES))
def test_command_table_at_width(
    case: str,
    width: int,
    here: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    db, config = here
    argv, _ = CASES[case]
    where = [] if argv[:2] in (["pricing", "show"], ["pricing", "list"]) else ["--db", str(db)]
    code, out, err = run(capsys, *argv, "--format", "table", *where, "--config", str(config))
    assert code == 0, err
    fits(out, width)
    check(f"cmd_{case}_w{width}.txt", _normalised(out, db.parent))


@pytest.mark.parametrize("width", WIDTHS)
def test_ingest_summary_at_width(
    width: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    shutil.copy(APP_LOG, tmp_path / "app.jsonl")
    (tmp_path / "llmcost.toml").write_text(RATES, "utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "ingest", "app.jsonl", "--db", "w.duckdb", "--config", "llmcost.toml")
    assert code == 0, err
    fits(err, width)
    # the file's name whole in its column, and the unpriced line wrapped within the width
    assert any(line.startswith("app.jsonl ") for line in err.splitlines())
    assert "unpriced requests (cost unknown, not $0): openai/mystery-model (1)" in " ".join(err.split())
    check(f"cmd_ingest_w{width}.txt", _normalised(err, tmp_path))
