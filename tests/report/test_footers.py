"""Footers: only the facts that are not zero, warnings first, wrapped between words within the
terminal's width. On real warehouses: the fixture log (one rejected line, one undated rejected
line, one naive timestamp, one conflicting duplicate, one unpriced model) and a clean log with
none of these."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from llmcost.queries import Report, Scope, SpendQuery, Window, parse_by, parse_where, spend
from llmcost.queries.session import prepare
from llmcost.report import render_terminal
from llmcost.report.facts import footer, wrap
from llmcost.warehouse import reader
from tests.report.helpers import build_warehouse, run

ZERO_FACTS = ("unpriced:", "rejected lines", "timestamps without a zone", "duplicate ids")


@pytest.fixture(scope="module")
def clean_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three well-formed requests with zoned timestamps and logged costs: nothing to warn about."""
    folder = tmp_path_factory.mktemp("clean")
    log = folder / "app.jsonl"
    common = {"msg": "llm.request", "provider": "openai", "model": "gpt-4.1-mini", "operation": "chat"}
    rows = [
        ("2026-05-04T09:00:00Z", "c-1", "acme"),
        ("2026-05-04T10:00:00Z", "c-2", "beta"),
        ("2026-05-05T11:00:00Z", "c-3", "acme"),
    ]
    log.write_text(
        "".join(
            json.dumps(
                {
                    **common,
                    "ts": ts,
                    "requestId": rid,
                    "tenantId": t,
                    "feature": "copilot",
                    "outcome": "success",
                    "inputTokens": 100,
                    "outputTokens": 10,
                    "costUsd": 0.01,
                }
            )
            + "\n"
            for ts, rid, t in rows
        ),
        "utf-8",
    )
    return build_warehouse(folder / "w.duckdb", log)


def terminal(report: Report, width: int) -> list[str]:
    buf = io.StringIO()
    render_terminal(report, Console(file=buf, width=width, color_system=None, highlight=False, emoji=False))
    return buf.getvalue().splitlines()


# -- only non-zero facts ------------------------------------------------------------------------


def test_a_clean_warehouse_has_no_zero_lines(clean_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "--db", str(clean_db), "--cost", "logged")
    assert code == 0
    footer_lines = out.splitlines()[out.splitlines().index("") + 2 :]  # after the total row
    assert not [line for line in footer_lines if line.startswith(ZERO_FACTS)], footer_lines
    assert footer_lines == [
        "window: 2026-05-04 09:00:00 (the first request) to 2026-05-05 11:00:00 (the last request), UTC",
        "cost mode: logged (the cost the application logged; not re-derived)",
    ]


def test_markdown_has_no_zero_lines_either(clean_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "--db", str(clean_db), "--cost", "logged", "-f", "md")
    assert code == 0
    assert "**Warnings**" not in out
    facts = out.split("**Data quality**")[1].strip().splitlines()
    assert facts == [
        "- window: 2026-05-04 09:00:00 (the first request) to 2026-05-05 11:00:00 (the last request), UTC",
        "- cost mode: logged (the cost the application logged; not re-derived)",
    ]


def test_non_zero_facts_are_kept(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "--db", str(app_db), "--cost", "logged")
    assert code == 0
    lines = out.splitlines()
    assert "rejected lines in the window: 1 (+1 with no readable time)" in lines
    assert "timestamps without a zone: 1" in lines
    assert "duplicate ids with different content: 1 (first loaded counted)" in lines
    assert any(line.startswith("unpriced: 1 request, 990 tokens - mystery-model (1)") for line in lines)


# -- warnings first -----------------------------------------------------------------------------


def test_warnings_come_first_then_problems_then_the_window_then_notes(app_db: Path) -> None:
    with reader(app_db) as wh:
        scope = Scope(Window(), parse_where(["tenant=acm", "tenant=acme"]), cost_mode="logged")
        # acme used copilot and classifier: --top 1 folds one, which a note says
        rep = spend(prepare(wh), SpendQuery(parse_by(["feature"]), scope, top=1))
    kinds = [line.kind for line in footer(rep)]
    assert kinds == sorted(kinds, key=["warning", "problem", "fact", "note"].index)
    texts = [line.text for line in footer(rep)]
    assert texts[0] == "warning: no request has tenant=acm; closest: acme"
    assert texts[1].startswith("unpriced: ")
    assert texts.index("filters: tenant=acm, tenant=acme") > texts.index(
        "rejected lines in the window: 1 (+1 with no readable time)"
    )
    assert texts[-1] == "note: 1 smaller row(s) folded into (other) (--top 1)"


def test_terminal_prints_the_warning_before_the_facts(
    app_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "--db", str(app_db), "--where", "feature=copilt")
    assert code == 0
    lines = out.splitlines()
    warning = lines.index("warning: no request has feature=copilt; closest: copilot")
    assert warning < lines.index("rejected lines in the window: 1 (+1 with no readable time)")
    assert warning < next(i for i, line in enumerate(lines) if line.startswith("window: "))


def test_csv_stderr_warns_first(app_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "--db", str(app_db), "--where", "feature=copilt", "-f", "csv")
    assert code == 0
    lines = err.splitlines()
    assert lines[0] == "warning: no request has feature=copilt; closest: copilot"
    assert lines.index("filters: feature=copilt") > lines.index(
        "rejected lines in the window: 1 (+1 with no readable time)"
    )


# -- width --------------------------------------------------------------------------------------


def test_wrap_breaks_between_words_only() -> None:
    assert wrap("aaaa bbbb cccc", 12) == ["aaaa bbbb", "  cccc"]
    assert wrap("short", 80) == ["short"]
    # a word wider than the line is kept whole on a line of its own
    long_word = "x" * 30
    assert wrap(f"a {long_word} b", 20) == ["a", f"  {long_word}", "  b"]


@pytest.mark.parametrize("width", [40, 60, 80])
def test_footer_fits_the_width_without_cutting_words(app_db: Path, width: int) -> None:
    with reader(app_db) as wh:
        scope = Scope(Window(tz="America/New_York"), parse_where(["feature=copilt", "feature=copilot"]))
        rep = spend(prepare(wh), SpendQuery(parse_by(["tenant"]), scope, top=2))
    lines = terminal(rep, width)
    start = max(i for i, line in enumerate(lines) if line.startswith("total")) + 1
    printed = lines[start:]
    assert all(len(line) <= width for line in printed), [line for line in printed if len(line) > width]
    # every word of every footer line is printed whole, in order (the "not shown at this width"
    # line, which depends on the width, may come in between)
    want = [word for item in footer(rep) for word in item.text.split()]
    got = iter(" ".join(printed).split())
    assert all(any(word == w for w in got) for word in want)


def test_title_wraps_between_words(app_db: Path) -> None:
    with reader(app_db) as wh:
        scope = Scope(Window(), parse_where(["feature=copilot", "tenant!=acme"]))
        rep = spend(prepare(wh), SpendQuery(parse_by(["tenant"]), scope))
    lines = terminal(rep, 40)
    # "Spend by tenant · 2026-05-04 to 2026-05-06 · feature=copilot, tenant!=acme" is 74 cells
    assert lines[:2] == ["Spend by tenant · 2026-05-04 to", "  2026-05-06 · feature=copilot,"]
    assert lines[2] == "  tenant!=acme"
