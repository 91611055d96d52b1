"""`llmcost serve` in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright;
nothing downloaded): the overview draws its charts; the explorer drills from a tenant to its
features to a feature's models by clicking; the date range changes through the form; a CSV
downloads; every number checked against the CLI's JSON; no console error, no CSP violation,
no dialog from the hostile names anywhere."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import playwright.sync_api as playwright  # a test dependency: the test never skips for want of it
import pytest

from llmcost.cli import main
from tests.html.conftest import SINCE, UNTIL, Built
from tests.serve.conftest import Served

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# the table's cost cells by the group's URL value: {first cell text: exact cost}
COSTS = """() => {
  const table = document.querySelector("table.sortable");
  const heads = Array.from(table.tHead.rows[0].cells).map(c => c.textContent.trim());
  const at = heads.indexOf("cost");
  return Array.from(table.tBodies[0].rows).filter(r => !r.classList.contains("other") && r.cells.length > 1).map(r => ({
    href: (r.cells[0].querySelector("a") || {}).href || null,
    cost: r.cells[at].getAttribute("data-v")}));
}"""
# a records table's rows: the first cell's text, "cost usd" and "cumulative cost usd" exact values
TRACE_COSTS = """(sel) => {
  const table = document.querySelector(sel);
  const heads = Array.from(table.tHead.rows[0].cells).map(c => c.textContent.trim());
  const v = (r, name) => heads.indexOf(name) < 0 ? null : r.cells[heads.indexOf(name)].getAttribute("data-v");
  return Array.from(table.tBodies[0].rows).map(r => ({
    id: r.cells[0].textContent.trim(), cost: v(r, "cost usd"), cumulative: v(r, "cumulative cost usd")}));
}"""
CHARTS = """() => Array.from(document.querySelectorAll("canvas")).map(c => ({
  id: c.id, drawn: !!(window.Chart && Chart.getChart(c)), width: c.getBoundingClientRect().width}))"""


def cli(demo: Built, capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> bytes:
    capsysbinary.readouterr()
    assert main([*argv, *demo.args()]) == 0
    return capsysbinary.readouterr().out


def costs_by(doc: dict[str, Any], dim: str) -> dict[str, str]:
    return {str(r[dim]): r["cost_usd"] for r in doc["rows"] if not r.get("other")}


def test_overview_drill_date_range_and_csv(
    server: Served, demo: Built, capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    sync_playwright = playwright.sync_playwright
    problems: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
            page.on(  # nothing but this server: no CDN, no font, no beacon
                "request",
                lambda r: (
                    None
                    if r.url.startswith((server.url + "/", "data:"))
                    else problems.append(f"elsewhere: {r.url}")
                ),
            )
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

            # the overview: the HTML report's dashboards, charts drawn
            page.goto(f"{server.url}/?since={SINCE}&until={UNTIL}")
            charts = page.evaluate(CHARTS)
            assert len(charts) >= 5 and all(c["drawn"] and c["width"] > 100 for c in charts), charts
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "serve-overview.png"), full_page=True)

            # to the explorer by its link (the window goes along), by tenant
            with page.expect_navigation():
                page.click("nav >> text=Spend explorer")
            assert dict(parse_qsl(urlsplit(page.url).query)) == {"since": SINCE, "until": UNTIL}
            tenants = page.evaluate(COSTS)
            doc = json.loads(
                cli(
                    demo,
                    capsysbinary,
                    "report",
                    "--by",
                    "tenant",
                    "--since",
                    SINCE,
                    "--until",
                    UNTIL,
                    "--format",
                    "json",
                )
            )
            assert {r["cost"] for r in tenants} == set(costs_by(doc, "tenant").values()) - {None}
            assert page.evaluate(CHARTS)[0]["drawn"]

            # click the costliest tenant: its features
            with page.expect_navigation():
                page.click("table.sortable tbody tr:first-child a.drill")
            query = dict(parse_qsl(urlsplit(page.url).query))
            tenant = query["tenant"]
            assert query["by"] == "feature"
            features = page.evaluate(COSTS)
            doc = json.loads(
                cli(
                    demo,
                    capsysbinary,
                    "report",
                    "--by",
                    "feature",
                    "--where",
                    f"tenant={tenant}",
                    "--since",
                    SINCE,
                    "--until",
                    UNTIL,
                    "--format",
                    "json",
                )
            )
            assert sorted(r["cost"] for r in features) == sorted(
                v for v in costs_by(doc, "feature").values() if v is not None
            )

            # click its costliest feature: that feature's models, for that tenant
            with page.expect_navigation():
                page.click("table.sortable tbody tr:first-child a.drill")
            query = dict(parse_qsl(urlsplit(page.url).query))
            assert query["by"] == "model" and query["tenant"] == tenant
            feature = query["feature"]
            models = page.evaluate(COSTS)
            doc = json.loads(
                cli(
                    demo,
                    capsysbinary,
                    "report",
                    "--by",
                    "model",
                    "--where",
                    f"tenant={tenant}",
                    "--where",
                    f"feature={feature}",
                    "--since",
                    SINCE,
                    "--until",
                    UNTIL,
                    "--format",
                    "json",
                )
            )
            assert sorted(r["cost"] for r in models) == sorted(
                v for v in costs_by(doc, "model").values() if v is not None
            )
            assert models

            # change the date range through the form (to the last day this pair spent on): the
            # URL carries it, the numbers follow
            days = json.loads(
                cli(
                    demo,
                    capsysbinary,
                    "report",
                    "--by",
                    "day",
                    "--where",
                    f"tenant={tenant}",
                    "--where",
                    f"feature={feature}",
                    "--since",
                    SINCE,
                    "--until",
                    UNTIL,
                    "--format",
                    "json",
                )
            )
            since = max(str(r["day"]) for r in days["rows"])
            page.fill("input[name=since]", since)
            with page.expect_navigation():
                page.click("form.serve-form button[type=submit]")
            query = dict(parse_qsl(urlsplit(page.url).query))
            assert query["since"] == since and query["tenant"] == tenant and query["feature"] == feature
            narrowed = page.evaluate(COSTS)
            assert narrowed, page.inner_text("main")[-800:]
            argv = [
                "report",
                "--by",
                "model",
                "--where",
                f"tenant={tenant}",
                "--where",
                f"feature={feature}",
                "--since",
                since,
                "--until",
                UNTIL,
            ]
            doc = json.loads(cli(demo, capsysbinary, *argv, "--format", "json"))
            assert sorted(r["cost"] for r in narrowed) == sorted(
                v for v in costs_by(doc, "model").values() if v is not None
            )

            # download the table's CSV: the CLI's CSV
            with page.expect_download() as got:
                page.click("a.csv")
            saved = tmp_path / "table.csv"
            got.value.save_as(saved)
            assert saved.read_bytes() == cli(demo, capsysbinary, *argv, "--format", "csv")

            # click a model: its costliest traces; click the costliest: its timeline, whose cost is
            # the CLI's for that trace
            with page.expect_navigation():
                page.click("table.sortable tbody tr:first-child a.drill")
            assert urlsplit(page.url).path == "/traces"
            query = dict(parse_qsl(urlsplit(page.url).query))
            assert query["tenant"] == tenant and query["feature"] == feature and "model" in query
            listed = page.evaluate(TRACE_COSTS, "#t-the-costliest-traces-table")
            assert listed
            with page.expect_navigation():
                page.click("#t-the-costliest-traces-table tbody tr:first-child a.drill")
            assert urlsplit(page.url).path == "/trace"
            trace_id = dict(parse_qsl(urlsplit(page.url).query))["id"]
            assert listed[0]["id"] == trace_id
            one = json.loads(cli(demo, capsysbinary, "trace", trace_id, "--format", "json"))
            calls = page.evaluate(TRACE_COSTS, "#t-calls--in-the-order-they-ran-table")
            assert len(calls) == one["calls_count"]
            assert Decimal(calls[-1]["cumulative"]) == Decimal(one["cost_usd"]) == Decimal(listed[0]["cost"])
            assert [c["cost"] for c in calls] == [c["cost_usd"] for c in one["calls"]]

            # every other page, with the hostile names in the warehouse
            for path in (
                "/unit",
                "/budgets?month=2026-10",
                "/quality",
                "/reconcile",
                "/traces?by=session",
                "/api/",
                f"/explore?by=feature&since={SINCE}&until={UNTIL}",
            ):
                page.goto(server.url + path)
                assert page.locator("h1").count() >= 1, path
        finally:
            browser.close()
    assert problems == []
    assert dialogs == []


def test_tables_work_without_javascript(server: Served) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            page.goto(f"{server.url}/explore?since={SINCE}&until={UNTIL}")
            rows = page.locator("table.sortable tbody tr").count()
            assert rows >= 40
            page.click("table.sortable tbody tr:first-child a.drill")
            assert "by=feature" in page.url
            assert page.locator("table.sortable tbody tr").count() >= 1
        finally:
            browser.close()


def test_hostile_names_and_urls_are_inert(server: Served) -> None:
    """The hostile tenants' own pages, and the XSS corpus reflected from the URL (form values,
    filter lists, error messages): no dialog, no script error, no CSP violation."""
    from urllib.parse import urlencode

    from tests.html.conftest import HOSTILE_FEATURE, HOSTILE_TENANTS

    reflected = [*HOSTILE_TENANTS, HOSTILE_FEATURE, "javascript:alert(3)", "'\"><svg onload=alert(4)>"]
    urls = [
        f"/explore?{urlencode([('by', 'feature'), ('tenant', t), ('since', SINCE), ('until', UNTIL)])}"
        for t in HOSTILE_TENANTS
    ]
    urls += [
        f"/explore?{urlencode([('by', 'model'), ('feature', HOSTILE_FEATURE), ('since', SINCE), ('until', UNTIL)])}"
    ]
    for x in reflected:
        urls += [
            f"/explore?{urlencode([('tenant', x), ('where', 'attr.team=' + x)])}",
            f"/explore?{urlencode([('by', x)])}",  # a 400 page quoting it
            f"/unit?{urlencode([('event', x)])}",
            f"/quality?{urlencode([('reason', x)])}",
            f"/?{urlencode([('since', x)])}",
        ]
    problems: list[str] = []
    dialogs: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on(
                "console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type == "error" else None
            )
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for url in urls:
                page.goto(server.url + url)
                assert page.locator("h1").count() >= 1, url
        finally:
            browser.close()
    # a 4xx page is a console error in Chromium ("Failed to load resource"); nothing else may be
    assert [x for x in problems if "status of 4" not in x] == []
    assert dialogs == []
