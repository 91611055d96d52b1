"""The report in a real browser: Debian's headless Chromium, network cut off, driven over the
DevTools pipe. No console error, no request but the file itself, every chart drawn with a size,
no dialog from the hostile names, tables sort; a screenshot is kept in test-artifacts/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.html.browser import chromium, open_report
from tests.html.conftest import HOSTILE_TENANTS, Built

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium() is None, reason="chromium is not installed (apt-get install chromium)"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

PROBE = """JSON.stringify((() => {
  const charts = Array.from(document.querySelectorAll("canvas")).map(c => {
    const r = c.getBoundingClientRect();
    const chart = window.Chart && Chart.getChart(c);
    return {id: c.id, width: r.width, height: r.height, drawn: !!chart,
            points: chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter(v => v !== null).length, 0) : 0};
  });
  const table = document.getElementById("table-tenants");
  const button = table.tHead.rows[0].cells[4].querySelector("button");
  const column = () => Array.from(table.tBodies[0].rows).filter(r => !r.classList.contains("other"))
    .map(r => parseFloat(r.cells[4].getAttribute("data-v")));
  button.click();
  const ascending = column();
  button.click();
  const descending = column();
  return {charts, ascending, descending, images: document.images.length,
          scripts: document.scripts.length, text: document.body.innerText,
          sorted: table.tHead.rows[0].cells[4].getAttribute("aria-sort")};
})())"""


@pytest.fixture(scope="module")
def page(hostile: Built) -> Any:
    run = open_report(hostile.html, PROBE)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "html-report.png").write_bytes(run.screenshot)
    return run


def test_no_errors_no_network_no_dialogs(page: Any, hostile: Built) -> None:
    assert page.console_errors == []
    assert page.exceptions == []
    assert page.log_errors == []  # CSP violations are logged here
    assert page.failed == []
    assert page.requests == [hostile.html.resolve().as_uri()]
    assert page.dialogs == []


def test_charts_have_size_and_data(page: Any) -> None:
    result = json.loads(page.evaluated)
    charts = {c["id"]: c for c in result["charts"]}
    assert len(charts) == 6
    for c in charts.values():
        assert c["drawn"], c
        assert c["width"] > 100 and c["height"] > 100, c
        assert c["points"] > 0, c


def test_hostile_names_show_as_text(page: Any) -> None:
    result = json.loads(page.evaluated)
    assert result["images"] == 0 and result["scripts"] == 3
    text = result["text"]
    assert "<script>alert(1)</script>" in text
    assert '"><img src=x onerror=alert(1)>' in text
    assert "rtl\\u202eevil" in text and "line\\u2028break\\u2029para" in text
    assert not any(name in text for name in HOSTILE_TENANTS[2:])  # raw invisible characters never shown


def test_tables_sort(page: Any) -> None:
    result = json.loads(page.evaluated)
    assert result["ascending"] == sorted(result["ascending"])
    assert result["descending"] == sorted(result["descending"], reverse=True)
    assert result["sorted"] == "descending"


def test_screenshot_is_kept(page: Any) -> None:
    shot = ARTIFACTS / "html-report.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_printable(hostile: Built) -> None:
    """Print media: one column, every chart still drawn with a size, nothing hidden behind a scroll."""
    probe = """JSON.stringify(Array.from(document.querySelectorAll("canvas")).map(c => {
      const r = c.getBoundingClientRect(); return [r.width, r.height, !!Chart.getChart(c)]; }))"""
    run = open_report(hostile.html, probe, width=1000, media="print")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "html-report-print.png").write_bytes(run.screenshot)
    assert run.console_errors == [] and run.exceptions == [] and run.log_errors == []
    sizes = json.loads(run.evaluated)
    assert len(sizes) == 6 and all(w > 100 and h > 100 and drawn for w, h, drawn in sizes)


TRACES_PROBE = """JSON.stringify((() => {
  const top = document.getElementById("table-costliest-traces");
  const dist = document.getElementById("table-trace-distribution");
  const col = Array.from(top.tHead.rows[0].cells).findIndex(c => c.textContent.trim() === "cost");
  const costs = () => Array.from(top.tBodies[0].rows).map(r => parseFloat(r.cells[col].getAttribute("data-v")));
  const shown = costs();
  const button = top.tHead.rows[0].cells[col].querySelector("button");
  button.click();
  const ascending = costs();
  const distHead = Array.from(dist.tHead.rows[0].cells).map(c => c.textContent.trim());
  const distCol = distHead.indexOf("p99 cost");
  dist.tHead.rows[0].cells[distCol].querySelector("button").click();
  const lastRow = dist.tBodies[0].rows[dist.tBodies[0].rows.length - 1].cells[0].textContent;
  const r = top.getBoundingClientRect();
  return {shown, ascending, rows: top.tBodies[0].rows.length, distHead, lastRow,
          visible: r.width > 300 && r.height > 50, text: top.innerText};
})())"""


def test_costliest_traces_and_the_distribution(hostile: Built) -> None:
    """The 'Cost per trace' panel: the costliest traces, costliest first, sortable by exact cost; the
    per-feature distribution keeps its (all) row last when sorted."""
    run = open_report(hostile.html, TRACES_PROBE)
    assert run.console_errors == [] and run.exceptions == [] and run.log_errors == []
    result = json.loads(run.evaluated)
    assert result["visible"] and result["rows"] == 10
    assert result["shown"] == sorted(result["shown"], reverse=True)
    assert result["ascending"] == sorted(result["ascending"])
    assert result["distHead"][:7] == [
        "feature",
        "traces",
        "cost",
        "p50 cost",
        "p90 cost",
        "p99 cost",
        "max cost",
    ]
    assert result["lastRow"] == "(all)"
    assert "Costliest traces" in result["text"] and "claude-opus-4-1" in result["text"]
