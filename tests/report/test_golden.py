"""Golden files for every output format. Regenerate after an intended change with
`LLMCOST_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/report/test_golden.py tests/report/test_renderers_golden.py
tests/cli/test_command_goldens.py` (every golden file) and review the diff.

Costs are as logged (`--cost logged`), so the files do not move when the price catalog does."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.report.helpers import GOLDEN, run

CASES = {
    "report_tenant": ["report", "--by", "tenant"],
    "report_feature_day_top": ["report", "--by", "feature,day", "--top", "3", "--sort", "cost"],
    "unit_tenant": ["unit", "--event", "draft_accepted", "--by", "tenant"],
    "unit_day": ["unit", "--by", "day", "--tz", "America/New_York"],
    "view_daily": ["view", "daily", "--top", "2"],
    "view_models": ["view", "models"],
    "view_io": ["view", "io"],
    "view_retrieval": [
        "view",
        "retrieval",
        "--by",
        "tenant",
        "--where",
        "tenant=gamma",
        "--where",
        "tenant=beta",
    ],
    "view_failures": ["view", "failures"],
    "view_top_tenants": ["view", "top-tenants", "--until", "2026-05-06T12:00:00Z", "--top", "3"],
}
FORMATS = {"json": "json", "csv": "csv", "md": "md", "table": "txt"}


_CATALOG = re.compile(r"genai-prices [0-9][0-9a-z.]* @[0-9-]+")


def check(name: str, text: str) -> None:
    """Compare `text` with golden file `name`; the installed genai-prices snapshot's version is
    written as `genai-prices <snapshot>`, so a new catalog release does not move the files."""
    text = _CATALOG.sub("genai-prices <snapshot>", text)
    path = GOLDEN / name
    if os.environ.get("LLMCOST_UPDATE_GOLDEN"):
        path.write_text(text, "utf-8")
        return
    assert path.exists(), f"missing golden file {path}: run with LLMCOST_UPDATE_GOLDEN=1"
    assert text == path.read_text("utf-8"), f"{name} differs from its golden file"


WIDTHS = (80, 120)  # a small terminal, and a roomy one


def fits(text: str, width: int) -> None:
    """Every line within `width` cells and nothing cut to "…" (llmcost.report.grid's promise)."""
    from rich.cells import cell_len

    assert "…" not in text, text
    over = [line for line in text.splitlines() if cell_len(line) > width]
    assert not over, f"lines wider than {width}: {over}"


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("case", list(CASES))
def test_golden(case: str, fmt: str, app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *CASES[case], "--format", fmt, "--cost", "logged", "--db", str(app_db))
    assert code == 0, err
    check(f"{case}.{FORMATS[fmt]}", out)
    if fmt == "csv":
        assert "cost mode: logged" in err  # CSV's data-quality facts go to stderr


def test_jsonl_ends_with_a_summary(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "report", "--by", "model", "-f", "jsonl", "--cost", "logged", "--db", str(app_db)
    )
    assert code == 0
    check("report_model.jsonl", out)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", list(CASES))
def test_table_at_width(
    case: str, width: int, app_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = run(capsys, *CASES[case], "--format", "table", "--cost", "logged", "--db", str(app_db))
    assert code == 0, err
    fits(out, width)
    check(f"{case}_w{width}.txt", out)
