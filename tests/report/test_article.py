"""The source article's worked example, from generated raw logs through ingest to the reports:
12,400 copilot requests across 85 tenants, 48.2M tokens, $612, 9,100 accepted drafts ->
$0.049 per request and $0.067 per accepted draft; ACME (2,200 requests, 180 drafts) gets its own
cost per draft, not the article's $612 / 180 = $3.40."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.report.helpers import Reference, build_warehouse, run


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    from llmcost.synth import generate

    root = tmp_path_factory.mktemp("article")
    manifest = generate(root / "logs", scenario="article")
    return build_warehouse(root / "w.duckdb", *manifest.files), manifest


def unit_json(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, "unit", "--event", "draft_accepted", "--cost", "logged", "-f", "json", *args,
                         "--db", str(db))  # fmt: skip
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_the_weeks_unit_economics(article: tuple[Path, Any], capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = article
    totals = unit_json(capsys, db)["totals"]
    assert totals["requests"] == 12_400
    assert totals["input_tokens"] + totals["output_tokens"] == 48_200_000
    assert totals["cost_usd"] == "612.000000000"
    assert totals["events"] == 9_100 and totals["orphan_events"] == 0
    assert totals["cost_per_request"] == "0.049354839"  # $612 / 12,400 ~ $0.049
    assert totals["cost_per_success"] == "0.067252747"  # $612 / 9,100 ~ $0.067
    assert round(Decimal(totals["cost_per_request"]), 3) == Decimal("0.049")
    assert round(Decimal(totals["cost_per_success"]), 3) == Decimal("0.067")


def test_acme_gets_its_own_cost_per_draft(
    article: tuple[Path, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    db, manifest = article
    facts = manifest.data["article"]["tenant_acme"]
    rows = {r["tenant"]: r for r in unit_json(capsys, db, "--by", "tenant")["rows"]}
    acme = rows[facts["tenant_id"]]
    assert (acme["requests"], acme["events"]) == (2_200, 180)
    own = Decimal(facts["cost_usd"])
    assert Decimal(acme["cost_usd"]) == own
    assert Decimal(acme["cost_per_success"]) == (own / 180).quantize(Decimal("0.000000001"))
    # The article's $3.40 is the whole week's $612 over ACME's 180 drafts: not what llmcost shows.
    assert Decimal(acme["cost_per_success"]) != (Decimal(612) / 180).quantize(Decimal("0.000000001"))
    assert len(rows) == 85


def test_per_tenant_numbers_match_the_raw_lines(
    article: tuple[Path, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    db, manifest = article
    ref = Reference.from_lines(*manifest.files)
    spend, events = ref.spend_by("tenantId"), ref.events_by("tenantId")
    rows = {r["tenant"]: r for r in unit_json(capsys, db, "--by", "tenant")["rows"]}
    for tenant, want in spend.items():
        row = rows[tenant]
        assert (row["requests"], Decimal(row["cost_usd"]), row["events"]) == (
            want["requests"], want["cost"].quantize(Decimal("0.000000001")), events.get(tenant, 0)
        )  # fmt: skip
    cost, matched, _ = ref.traced()
    for tenant, c in cost.items():
        assert (
            Decimal(rows[tenant]["traced_cost_usd"]) == c and rows[tenant]["traced_events"] == matched[tenant]
        )


def test_report_by_tenant_shows_the_same_week(
    article: tuple[Path, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = article
    code, out, _ = run(capsys, "report", "--by", "feature", "--cost", "logged", "-f", "json", "--db", str(db))
    assert code == 0
    (row,) = json.loads(out)["rows"]
    assert (row["feature"], row["requests"], row["cost_usd"], row["cost_per_request"]) == (
        "copilot", 12_400, "612.000000000", "0.049354839"
    )  # fmt: skip
