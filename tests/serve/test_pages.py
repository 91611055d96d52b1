"""The pages without a browser: they render, carry no inline script or style, escape the hostile
names, link their CSV, and keep their state in the URL."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest

from tests.html.conftest import HOSTILE_FEATURE, HOSTILE_TENANTS, SINCE, UNTIL
from tests.serve.conftest import Served

PAGES = [
    "/",
    "/explore",
    f"/traces?since={SINCE}&until={UNTIL}",
    "/traces?by=session",
    "/trace?id=hostile-trace-0-1",
    "/trace/hostile-trace-0-1",
    "/unit",
    "/budgets?month=2026-10",
    "/quality",
    "/reconcile",
    "/api/",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_without_inline_script_or_style(server: Served, path: str) -> None:
    status, headers, body = server.get(path + ("&" if "?" in path else "?") * 0)
    assert status == 200, body[:2000]
    assert headers["content-type"].startswith("text/html")
    html = body.decode("utf-8")
    for script in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        attrs, text = script
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
        if "src=" in attrs:
            assert text == ""
    assert "<style" not in html
    assert not re.search(r"<[^>]*\sstyle=", html)
    assert not re.search(r"<[^>]*\son[a-z]+=", html)  # no inline event handlers (escaped text may say it)


@pytest.mark.parametrize(
    "path", ["/", f"/explore?since={SINCE}&until={UNTIL}", f"/explore?by=feature&since={SINCE}&until={UNTIL}"]
)
def test_hostile_names_are_text(server: Served, path: str) -> None:
    html = server.get(path)[2].decode("utf-8")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert HOSTILE_FEATURE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "\\u003cscript\\u003e" in html


def test_explorer_drills_down_by_url(server: Served) -> None:
    html = server.get(f"/explore?by=tenant&since={SINCE}&until={UNTIL}")[2].decode("utf-8")
    links = re.findall(r'<a class="drill" href="([^"]+)">', html)
    assert len(links) >= 40
    tenant = HOSTILE_TENANTS[0]
    wanted = "/explore?" + urlencode(
        [("since", SINCE), ("until", UNTIL), ("by", "feature"), ("tenant", tenant)]
    )
    assert wanted.replace("&", "&amp;") in html
    feature_page = server.get(wanted)[2].decode("utf-8")
    assert "Spend by feature" in feature_page
    models = re.findall(r'<a class="drill" href="([^"]+)">', feature_page)
    assert models and all(
        "by=model" in m and "tenant=" + quote(tenant, safe="").replace("%20", "+") in m.replace("&amp;", "&")
        for m in models
    )
    assert "format=csv" in feature_page


def test_the_csv_link_downloads_the_page_table(server: Served) -> None:
    html = server.get(f"/explore?by=feature&tenant=acme&since={SINCE}&until={UNTIL}")[2].decode("utf-8")
    (csv_link,) = re.findall(r'<a class="csv" href="([^"]+)"', html)
    status, headers, body = server.get(csv_link.replace("&amp;", "&"))
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert body.startswith(b"row,feature,")


def test_a_bad_page_parameter_is_a_400_page(server: Served) -> None:
    status, headers, body = server.get("/explore?by=nope")
    assert status == 400
    assert headers["content-type"].startswith("text/html")
    assert b"unknown dimension" in body
    assert server.get("/nowhere")[0] == 404


def test_a_model_drills_to_its_costliest_traces_and_one_trace(server: Served) -> None:
    from html import unescape

    tenant = HOSTILE_TENANTS[0]
    query = urlencode([("by", "model"), ("tenant", tenant), ("since", SINCE), ("until", UNTIL)])
    html = server.get(f"/explore?{query}")[2].decode("utf-8")
    models = [unescape(m) for m in re.findall(r'<a class="drill" href="([^"]+)">', html)]
    assert models and all(m.startswith("/traces?") and "model=" in m for m in models)
    status, _, body = server.get(models[0])
    assert status == 200
    traces = [unescape(t) for t in re.findall(r'<a class="drill" href="([^"]+)">', body.decode("utf-8"))]
    assert traces and all(t.startswith("/trace?id=hostile-trace-0-") for t in traces)
    status, _, body = server.get(traces[0])
    assert status == 200
    page = body.decode("utf-8")
    assert "Calls, in the order they ran" in page and "/api/trace?id=hostile-trace-0-" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the tenant, escaped


def test_an_unknown_trace_is_a_400_page(server: Served) -> None:
    status, _, body = server.get("/trace/no-such-trace")
    assert status == 400 and b"no-such-trace" in body
