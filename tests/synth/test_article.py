"""The article scenario reproduces the source article's worked example to the cent."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from llmcost.synth import Manifest
from tests.synth.reference import records


def test_article_totals_are_exact(article: Manifest) -> None:
    rows = records(article)
    req = [r for r in rows if r["msg"] == "llm.request"]
    drafts = [r for r in rows if r["msg"] == "draft_accepted"]
    assert len(req) == 12_400
    assert {r["feature"] for r in req} == {"copilot"}
    assert len({r["tenantId"] for r in req}) == 85
    assert sum(r["inputTokens"] + r["outputTokens"] for r in req) == 48_200_000
    assert sum(Decimal(str(r["costUsd"])) for r in req) == Decimal("612.00")
    assert len(drafts) == 9_100
    per_tenant = Counter(r["tenantId"] for r in req)
    assert per_tenant["tenant_acme"] == 2_200 == max(per_tenant.values())
    assert sum(1 for d in drafts if d["tenantId"] == "tenant_acme") == 180
    assert len(article.files) == 1 and article.files[0].name == "app.log.gz"


def test_article_events_follow_successful_calls(article: Manifest) -> None:
    rows = records(article)
    req = {r["requestId"]: r for r in rows if r["msg"] == "llm.request"}
    for d in (r for r in rows if r["msg"] == "draft_accepted"):
        call = req[d["requestId"]]
        assert call["outcome"] == "success" and call["traceId"] == d["traceId"] and d["ts"] > call["ts"]
    assert min(r["ts"] for r in rows) >= "2026-10-01" and max(r["ts"] for r in rows) < "2026-10-08"
    outcomes = Counter(r["outcome"] for r in req.values())
    assert outcomes["timeout"] > 0 and outcomes["error"] > 0 and outcomes["success"] > 11_500


def test_article_manifest(article: Manifest) -> None:
    a = article.data["article"]
    assert (a["requests"], a["tenants"], a["tokens"], a["cost_usd"], a["accepted_drafts"]) == (
        12_400,
        85,
        48_200_000,
        "612.000000",
        9_100,
    )
    assert (
        round(a["cost_per_request_usd"], 3) == 0.049 and round(a["cost_per_accepted_draft_usd"], 3) == 0.067
    )
    acme = a["tenant_acme"]
    assert (acme["requests"], acme["accepted_drafts"], acme["article_figure_usd"]) == (2_200, 180, 3.4)
    own = sum(
        Decimal(str(r["costUsd"]))
        for r in records(article)
        if r["msg"] == "llm.request" and r["tenantId"] == "tenant_acme"
    )
    assert Decimal(acme["cost_usd"]) == own
    assert article.totals["tokens"] == 48_200_000 and article.totals["cost_usd"] == "612.000000"
    assert article.counts["orphan_outcomes"] == 0
