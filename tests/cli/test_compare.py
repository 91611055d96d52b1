"""`llmcost compare` end to end on a real warehouse of planted logs (tests/queries/compare_data.py):
the four formats, 80 columns, the JSON document, and one clear line (exit 2) for each mistake."""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.queries.compare_data import build

VERSIONS = ("compare", "--by", "prompt_version", "--values", "v3,v4", "--event", "draft_accepted")
LOGGED = ("--cost", "logged")


@pytest.fixture(scope="module")
def planted_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("compare-cli"))[0]


@pytest.fixture
def run(planted_db: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(planted_db, capsys)


def test_table_fits_80_columns_and_says_the_verdict(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run(*VERSIONS, *LOGGED)
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Compare prompt_version=v3 with prompt_version=v4" in out
    assert "cost per success: higher on v4 than on v3: $0.01173 -> $0.01429, +$0.002560" in " ".join(
        out.split()
    )
    row = next(line for line in out.splitlines() if line.startswith("cost per success"))
    assert row.split()[-1] == "higher"
    assert "mix v3, tenant: tenant_1 33.5%, tenant_0 33.5%, tenant_2 33.0%" in out
    assert row.split()[-3:] == ["+21.8%", "+8.6..+36.6%", "higher"]  # change, interval, verdict
    assert "mix v4, feature: copilot 100.0%" in out


def test_no_change_reads_no_clear_change(run: Cli) -> None:
    code, out, err = run(
        "compare", "--before", "2026-05-25", "--since", "2026-05-18", "--event", "draft_accepted", *LOGGED
    )
    assert code == 0, err
    assert "cost per success: no clear change" in out
    assert "before: 2026-05-18T00:00:00Z to 2026-05-25T00:00:00Z" in out
    assert "after: 2026-05-25T00:00:00Z to 2026-06-01T00:00:00Z" in out


def test_json_document(run: Cli) -> None:
    code, out, err = run(*VERSIONS, *LOGGED, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "llmcost.compare/1"
    assert doc["verdict"] == "higher"
    assert doc["headline"] == "cost_per_success"
    a, b = doc["sides"]
    assert (a["label"], b["label"]) == ("v3", "v4")
    assert (a["figures"]["cost_usd"], b["figures"]["cost_usd"]) == ("1.760000000", "2.144000000")
    assert a["figures"]["cost_per_success"] == "0.011733333"
    change = next(c for c in doc["changes"] if c["metric"] == "cost_per_success")
    assert (change["a"], change["b"], change["change"]) == ("0.011733333", "0.014293333", "0.002560000")
    assert change["relative"] == "0.218182"
    assert float(change["interval"]["low"]) > 0
    assert doc["parameters"]["seed"] == 19 and doc["parameters"]["unit"] == "trace"
    # the same warehouse, the same output
    assert run(*VERSIONS, *LOGGED, "--format", "json")[1] == out


def test_csv_and_markdown(run: Cli) -> None:
    code, out, err = run(*VERSIONS, *LOGGED, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    per_success = next(r for r in rows if r["metric"] == "cost_per_success")
    assert per_success["change"] == "0.002560000"
    assert per_success["verdict"] == "higher"
    assert per_success["side_b"] == "prompt_version=v4"
    code, out, err = run(*VERSIONS, *LOGGED, "--format", "md")
    assert code == 0, err
    assert "| cost per success | $0.01173 | $0.01429 | +$0.002560 | +21.8% |" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("compare", "--by", "prompt_version", "--values", "v3"), "--values: name exactly two values"),
        (("compare", "--by", "colour", "--values", "a,b"), "--by: unknown dimension 'colour'"),
        (("compare", "--by", "prompt_version", "--values", "v3,v9"), "prompt_version=v9"),
        (("compare",), "give --by DIM --values A,B, or --before DATE"),
        (("compare", "--by", "model", "--values", "a,b", "--before", "2026-05-11"), "one of the two"),
        (("compare", "--before", "2026-05-11", "--since", "2026-05-12"), "--since must be before --before"),
        (("compare", "--before", "2026-05-04"), "side before: no requests in 2026-04-27..2026-05-03"),
        (
            ("compare", "--by", "prompt_version", "--values", "v3,v4", "--where", "tenant=x"),
            "no request has tenant=x",
        ),
        (("compare", "--by", "model", "--values", "a,b", "--format", "jsonl"), "--format"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(run: Cli, argv: tuple[str, ...], message: str) -> None:
    code, out, err = run(*argv, "--event", "draft_accepted")
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert message in lines[0]


def test_help(run: Cli) -> None:
    code, out, _ = run("compare", "-h", db=False)
    assert code == 0
    assert "--values" in out and "--before" in out


def _html_page(run: Cli, tmp_path: Path) -> Path:
    page = tmp_path / "compare.html"
    code, _, err = run(*VERSIONS, *LOGGED, "--format", "html", "-o", str(page))
    assert code == 0, err
    return page


def test_html_page_holds_the_table_the_verdict_and_no_script(run: Cli, tmp_path: Path) -> None:
    text = _html_page(run, tmp_path).read_text("utf-8")
    csp = html.unescape(text[text.index('content="') : text.index('">', text.index('content="'))])
    assert "script-src 'none'" in csp and "default-src 'none'" in csp
    assert "<script" not in text
    # the same figures as the terminal: $0.011733333 -> $0.014293333 per success (hand sums in
    # tests/queries/compare_data.py), +21.8%, its interval, the verdict
    row = text[text.index('data-metric="cost_per_success"') :]
    row = row[: row.index("</tr>")]
    for cell in ("$0.01173", "$0.01429", "+$0.002560", "+21.8%", "+8.6..+36.6%", "higher"):
        assert f">{cell}<" in row, cell
    assert "cost per success: higher on v4 than on v3" in text
    assert "v4, feature: copilot 100.0%" in text


@pytest.mark.browser
def test_html_page_in_chromium(run: Cli, tmp_path: Path) -> None:
    from tests.html.browser import chromium, open_report

    if chromium() is None:
        pytest.skip("needs Debian's chromium (.ci/run installs it)")
    page = _html_page(run, tmp_path)
    js = (
        "({rows: document.querySelectorAll('#compare-table tbody tr').length,"
        " points: document.querySelectorAll('#compare-table svg circle').length,"
        " headline: document.querySelector('tr.headline td').textContent})"
    )
    seen = open_report(page, js)
    assert seen.console_errors == [] and seen.exceptions == [] and seen.log_errors == []
    assert [u for u in seen.requests if not u.startswith("file:")] == []  # nothing loaded
    assert seen.evaluated["rows"] == 11 and seen.evaluated["headline"] == "cost per success"
    assert 0 < seen.evaluated["points"] <= seen.evaluated["rows"]
