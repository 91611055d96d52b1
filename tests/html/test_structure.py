"""Golden structure of the HTML report: sections, safety (CSP, escaping, nothing external) and the
numbers, which must be the JSON report's to the last digit."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from llmcost.report.html import script_json
from tests.html.conftest import HOSTILE_FEATURE, HOSTILE_TENANTS, SINCE, UNTIL, Built

SECTIONS = (
    "headline",
    "traces",
    "spend-by-feature",
    "top-tenants",
    "unit-economics",
    "cost-by-model",
    "alerts",
    "budgets",
    "input-output",
    "retrieval",
    "failures",
    "data-quality",
)
CHARTS = ("chart-daily", "chart-unit", "chart-models", "chart-io", "chart-stages", "chart-failures")


class Page(HTMLParser):
    """The elements, attributes and inline script/style texts of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._in: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag in ("script", "style"):
            self._in, self._text = (tag, a), []

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._in is not None and tag == self._in[0]:
            text = "".join(self._text)
            if tag == "script":
                self.scripts.append((self._in[1], text))
            else:
                self.styles.append(text)
            self._in = None


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def embedded(html: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="llmcost-data">(.*?)</script>', html, re.DOTALL)
    assert m is not None
    data: dict[str, Any] = json.loads(m.group(1))
    return data


def cli_json(built: Built, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    from llmcost.cli import main

    capsys.readouterr()
    code = main([*args, "--format", "json", *built.args()])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_sections_charts_and_meta_are_present(hostile: Built) -> None:
    html = hostile.html.read_text("utf-8")
    page = parse(html)
    assert set(SECTIONS) <= page.ids
    assert set(CHARTS) <= page.ids
    assert {t for t, a in page.tags if t == "canvas"} == {"canvas"}
    meta = html[html.index('id="report-meta"') :][:2000]
    for word in ("Window", "Time zone", "UTC", "Cost mode", "derived", "Price catalog", "genai-prices"):
        assert word in meta
    for label in (
        "Spend",
        "Requests",
        "Cost per request",
        "Cost per successful action",
        "Unpriced requests",
        "vs previous period",
    ):
        assert f'<div class="label">{label}</div>' in html
    assert "Logged vs derived cost" in html and "Unpriced models" in html and "Rejected lines" in html


def test_self_contained_and_locked_down(hostile: Built) -> None:
    html = hostile.html.read_text("utf-8")
    page = parse(html)
    assert hostile.html.stat().st_mode & 0o777 == 0o600
    # Nothing is loaded from anywhere: no src, href, srcset, url(), @import, <link>, <iframe>, <img>.
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed", "base", "form"), tag
        assert not {"src", "href", "srcset", "action", "style"} & set(attrs), (tag, attrs)
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
    for css in page.styles:
        assert "url(" not in css and "@import" not in css
    csp = next(
        a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    # Every inline script and style runs because the CSP names its exact hash, and nothing else.
    executable = [text for attrs, text in page.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 2

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    script_src = re.search(r"script-src ([^;]+)", csp)
    style_src = re.search(r"style-src ([^;]+)", csp)
    assert script_src and style_src
    assert set(script_src.group(1).split()) == {digest(t) for t in executable}
    assert set(style_src.group(1).split()) == {digest(t) for t in page.styles}
    assert "Chart.js v4" in executable[0]


def test_hostile_names_are_text(hostile: Built) -> None:
    html = hostile.html.read_text("utf-8")
    # Only our own two <script> elements and the data block; no markup from the logs.
    assert html.count("<script") == 3
    assert "<img" not in html and "onerror=alert(1)>" not in html.replace("&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    # Invisible and bidi characters are written as escapes, never sent raw.
    for ch in ("\u2028", "\u2029", "\u202e", "\u200b", "\u200d"):
        assert ch not in html
    assert "rtl\\u202eevil" in html and "zero\\u200bwidth\\u200d" in html
    data = embedded(html)
    tenants = {r["tenant"] for r in data["reports"]["top_tenants"]["rows"]}
    assert set(HOSTILE_TENANTS) <= tenants  # the JSON keeps the exact names
    features = {r["feature"] for r in data["reports"]["daily"]["rows"]}
    assert HOSTILE_FEATURE in features


def test_script_json_cannot_break_out() -> None:
    value = {"t": "</script><script>alert(1)</script><!-- \u2028\u2029 & >"}
    text = script_json(value)
    for bad in ("</", "<!--", "<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == value


def test_numbers_equal_the_json_reports(hostile: Built, capsys: pytest.CaptureFixture[str]) -> None:
    data = embedded(hostile.html.read_text("utf-8"))
    reports = data["reports"]
    window = ["--since", SINCE, "--until", UNTIL]
    assert data["window"] == {"since": "2026-10-01T00:00:00Z", "until": "2026-10-15T00:00:00Z", "tz": "UTC"}

    spend = cli_json(hostile, capsys, "report", "--by", "tenant", *window)
    assert reports["spend"]["totals"] == spend["totals"]
    assert reports["spend"]["data_quality"] == spend["data_quality"]
    assert (
        cli_json(hostile, capsys, "view", "top-tenants", "--until", UNTIL, "--top", "10")
        == reports["top_tenants"]
    )
    assert cli_json(hostile, capsys, "view", "models", *window, "--top", "12") == reports["models"]
    assert cli_json(hostile, capsys, "view", "io", *window, "--top", "8") == reports["io"]
    assert cli_json(hostile, capsys, "view", "retrieval", *window) == reports["retrieval"]
    assert cli_json(hostile, capsys, "view", "failures", *window) == reports["failures"]

    daily = cli_json(hostile, capsys, "view", "daily", *window, "--top", "8")
    keep = {c["name"] for c in reports["daily"]["columns"]} | {"other"}
    assert reports["daily"]["rows"] == [{k: v for k, v in r.items() if k in keep} for r in daily["rows"]]
    assert reports["daily"]["totals"] == daily["totals"]

    assert reports["unit"], "the fixture logs draft_accepted events"
    for series in reports["unit"]:
        where = [] if series["feature"] is None else ["--where", f"feature={series['feature']}"]
        unit = cli_json(
            hostile,
            capsys,
            "unit",
            "--event",
            series["event"],
            "--by",
            "day",
            *where,
            "--attribution",
            "ratio",
            *window,
        )
        keep = {c["name"] for c in series["columns"]} | {"other"}
        assert series["rows"] == [{k: v for k, v in r.items() if k in keep} for r in unit["rows"]]
        assert series["totals"] == unit["totals"]


def test_charts_draw_the_exact_report_values(hostile: Built) -> None:
    data = embedded(hostile.html.read_text("utf-8"))
    charts = {c["id"]: c for c in data["charts"]}
    assert set(charts) == set(CHARTS)
    models = data["reports"]["models"]
    assert charts["chart-models"]["datasets"][0]["values"] == [r["cost_usd"] for r in models["rows"]]
    daily = data["reports"]["daily"]["rows"]
    drawn = {
        (day, d["label"]): v
        for d in charts["chart-daily"]["datasets"]
        for day, v in zip(charts["chart-daily"]["labels"], d["values"], strict=True)
        if v is not None
    }
    from llmcost.report.text import visible

    assert drawn == {
        (r["day"], "(other)" if r.get("other") else visible(r["feature"] or "(none)")): r["cost_usd"]
        for r in daily
        if r["cost_usd"] is not None
    }


def test_headline_shows_the_report_totals(hostile: Built) -> None:
    from decimal import Decimal

    from llmcost.numbers import usd

    html = hostile.html.read_text("utf-8")
    totals = embedded(html)["reports"]["spend"]["totals"]
    assert f'title="{totals["cost_usd"]}">{usd(Decimal(totals["cost_usd"]))}</div>' in html
    assert f">{totals['requests']:,}</div>" in html


def test_size_does_not_grow_with_requests(tmp_path: Path) -> None:
    """Only aggregates are embedded: 6x the requests gives (nearly) the same file, far under 2 MB."""
    from tests.html.conftest import build

    small = build(tmp_path / "small", 1500, hostile=False).html.stat().st_size
    large = build(tmp_path / "large", 9000, hostile=False).html.stat().st_size
    assert large < 2 * 1024 * 1024
    assert large < small * 1.15, (small, large)


def test_empty_warehouse_renders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from llmcost.cli import main

    db, config = tmp_path / "w.duckdb", tmp_path / "c.toml"
    config.write_text("", "utf-8")
    log = tmp_path / "empty.jsonl"
    log.write_text("", "utf-8")
    assert main(["ingest", str(log), "--db", str(db), "--config", str(config), "--quiet"]) == 0
    out = tmp_path / "r.html"
    assert main(["report", "-f", "html", "-o", str(out), "--db", str(db), "--config", str(config)]) == 0
    html = out.read_text("utf-8")
    assert "No requests in the window." in html and set(SECTIONS) <= parse(html).ids


def test_vendored_chart_js_is_the_pinned_file() -> None:
    vendor = Path(__file__).resolve().parents[2] / "llmcost" / "report" / "templates" / "vendor"
    pinned = re.search(
        r"sha256 of chart.umd.min.js as shipped: `([0-9a-f]{64})`", (vendor / "README.md").read_text()
    )
    assert pinned is not None
    assert hashlib.sha256((vendor / "chart.umd.min.js").read_bytes()).hexdigest() == pinned.group(1)
