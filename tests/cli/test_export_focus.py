"""`llmcost export focus`: the FOCUS CSV adds up to `llmcost report` to the micro-dollar (to the
nano-dollar, in fact: both are exact), carries tenant and feature in Tags, keeps unpriced usage
apart with empty costs, and passes the column check from the FOCUS 1.2 column description."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from llmcost.report.focus import check, columns
from tests.cli.conftest import MONTH
from tests.conftest import Cli


def _export(cli: Cli, out: Path, *args: str) -> list[dict[str, str]]:
    code, _, err = cli("export", "focus", str(out), *args)
    assert code == 0, err
    assert "FOCUS rows" in err
    text = out.read_text("utf-8")
    assert check(text) == []
    return list(csv.DictReader(io.StringIO(text)))


def _report(cli: Cli, *args: str) -> dict[str, object]:
    code, out, err = cli("report", "--format", "json", *args)
    assert code == 0, err
    doc: dict[str, object] = json.loads(out)
    return doc


def test_effective_cost_adds_up_to_the_report(shared: Cli, tmp_path: Path) -> None:
    rows = _export(shared, tmp_path / "focus.csv", "--month", MONTH)
    report = _report(shared, "--since", f"{MONTH}-01", "--until", "2026-10-01")
    totals = report["totals"]
    assert isinstance(totals, dict)
    effective = sum((Decimal(r["EffectiveCost"]) for r in rows if r["EffectiveCost"]), Decimal(0))
    assert effective == Decimal(totals["cost_usd"])
    assert sum(int(r["x_Requests"]) for r in rows) == totals["requests"]
    assert sum(int(r["x_InputTokens"]) for r in rows) == totals["input_tokens"]
    assert sum(int(r["x_OutputTokens"]) for r in rows) == totals["output_tokens"]
    # every money cell is an exact decimal string with nine places, never a float's digits
    for r in rows:
        for name in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost"):
            assert r[name] == "" or (len(r[name].split(".")[1]) == 9 and "e" not in r[name].lower())


def test_tags_carry_tenant_and_feature(shared: Cli, tmp_path: Path) -> None:
    rows = _export(shared, tmp_path / "focus.csv")
    report = _report(shared, "--by", "tenant,feature")
    by_tags: dict[tuple[str | None, str | None], Decimal] = defaultdict(Decimal)
    for r in rows:
        tags = json.loads(r["Tags"])
        if r["EffectiveCost"]:
            by_tags[(tags.get("tenant"), tags.get("feature"))] += Decimal(r["EffectiveCost"])
    report_rows = report["rows"]
    assert isinstance(report_rows, list)
    expected = {(x["tenant"], x["feature"]): Decimal(x["cost_usd"]) for x in report_rows if x["cost_usd"]}
    assert dict(by_tags) == expected
    assert any(json.loads(r["Tags"]).get("tenant") == "tenant_acme" for r in rows)


def test_unpriced_usage_has_empty_costs_and_a_note(shared: Cli, tmp_path: Path) -> None:
    rows = _export(shared, tmp_path / "focus.csv")
    totals = _report(shared)["totals"]
    assert isinstance(totals, dict)
    unpriced = [r for r in rows if r["x_CostStatus"] == "unpriced"]
    assert unpriced, "the fixtures hold unpriced models (rerank-v3.5, acme-llama-3-70b-ft)"
    assert sum(int(r["x_Requests"]) for r in unpriced) == totals["unpriced_requests"]
    for r in unpriced:
        assert r["BilledCost"] == r["EffectiveCost"] == r["ListCost"] == r["ContractedCost"] == ""
        assert "not $0" in r["x_Note"]
    for r in rows:
        if r["x_CostStatus"] == "estimated":
            assert r["EffectiveCost"] != ""


def test_one_row_per_day_provider_model_tenant_feature(shared: Cli, tmp_path: Path) -> None:
    rows = _export(shared, tmp_path / "focus.csv")
    keys = [
        (r["ChargePeriodStart"], r["ProviderName"], r["ResourceId"], r["Tags"], r["x_CostStatus"])
        for r in rows
    ]
    assert len(keys) == len(set(keys))
    for r in rows:
        assert r["ChargePeriodStart"].endswith("T00:00:00Z")
        assert r["ChargeCategory"] == "Usage"
        assert r["ServiceCategory"] == "AI and Machine Learning"
        assert r["BillingPeriodStart"] == r["ChargePeriodStart"][:8] + "01T00:00:00Z"


def test_a_partial_day_is_widened_to_the_whole_day(shared: Cli, tmp_path: Path) -> None:
    rows = _export(
        shared, tmp_path / "focus.csv", "--since", "2026-09-15T12:00:00Z", "--until", "2026-09-15T13:00:00Z"
    )
    assert {r["ChargePeriodStart"] for r in rows} == {"2026-09-15T00:00:00Z"}
    day = _report(shared, "--since", "2026-09-15", "--until", "2026-09-16")["totals"]
    assert isinstance(day, dict)
    assert sum((Decimal(r["EffectiveCost"]) for r in rows if r["EffectiveCost"]), Decimal(0)) == Decimal(
        day["cost_usd"]
    )


def test_month_and_since_are_alternatives(shared: Cli, tmp_path: Path) -> None:
    code, _, err = shared(
        "export", "focus", str(tmp_path / "f.csv"), "--month", MONTH, "--since", "2026-09-02"
    )
    assert code == 2
    assert "--month" in err
    assert not (tmp_path / "f.csv").exists()


def test_the_check_catches_what_the_spec_forbids(shared: Cli, tmp_path: Path) -> None:
    out = tmp_path / "focus.csv"
    rows = _export(shared, out)
    names = [c["name"] for c in columns()]
    bad = [dict(r) for r in rows[:3]]
    bad[0]["ChargeCategory"] = "Spend"
    bad[1]["EffectiveCost"] = ""  # an estimated row may not drop its cost
    bad[2]["ChargePeriodStart"] = "2026-09-15"
    bad[2]["ConsumedQuantity"] = ""  # a Usage row must say how much was consumed
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[n for n in names if n != "ServiceName"], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(bad)
    problems = check(buf.getvalue())
    assert "column ServiceName missing" in problems
    assert any("ChargeCategory 'Spend'" in p for p in problems)
    assert any(p.startswith("line 3: EffectiveCost is empty") for p in problems)
    assert any("ChargePeriodStart '2026-09-15'" in p for p in problems)
    assert "line 4: ConsumedQuantity is empty" in problems


def test_column_description_is_the_file_header(shared: Cli, tmp_path: Path) -> None:
    out = tmp_path / "focus.csv"
    _export(shared, out)
    header = out.read_text("utf-8").splitlines()[0].split(",")
    assert header == [c["name"] for c in columns()]
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_tags_add_grain_and_carry_mapped_attributes(shared: Cli, tmp_path: Path) -> None:
    rows = _export(shared, tmp_path / "focus.csv", "--tag", "user", "--tag", "attr.env")
    report = _report(shared, "--by", "user,attr.env")
    by: dict[tuple[str | None, str | None], Decimal] = defaultdict(Decimal)
    for r in rows:
        tags = json.loads(r["Tags"])
        if r["EffectiveCost"]:
            by[(tags.get("user"), tags.get("attr.env"))] += Decimal(r["EffectiveCost"])
    report_rows = report["rows"]
    assert isinstance(report_rows, list)
    expected = {(x["user"], x["attr.env"]): Decimal(x["cost_usd"]) for x in report_rows if x["cost_usd"]}
    assert dict(by) == expected
    assert any("attr.env" in json.loads(r["Tags"]) for r in rows)


def test_tag_takes_only_extra_dimensions(shared: Cli, tmp_path: Path) -> None:
    for bad in ("day", "model"):
        code, _, err = shared("export", "focus", str(tmp_path / "f.csv"), "--tag", bad)
        assert code == 2
        assert "--tag" in err


def test_hand_computed_rows_with_logged_costs(cli: Cli, tmp_path: Path) -> None:
    """Three calls with costs logged by the application: two of one group add up to $0.0200 (0.0183
    + 0.0017, by hand), the third logs no cost and becomes an unpriced row of its own."""
    log = tmp_path / "app.jsonl"
    base = {"msg": "llm.request", "tenantId": "tenant_acme", "feature": "copilot", "provider": "anthropic"}
    calls = [
        {"requestId": "r1", "ts": "2026-09-14T09:00:00Z", "model": "claude-sonnet-4", "costUsd": 0.0183},
        {"requestId": "r2", "ts": "2026-09-14T17:30:00Z", "model": "claude-sonnet-4", "costUsd": 0.0017},
        {"requestId": "r3", "ts": "2026-09-14T18:00:00Z", "model": "acme-private-model"},
    ]
    tokens = {"inputTokens": 4200, "outputTokens": 380, "outcome": "success", "operation": "chat"}
    log.write_text("".join(json.dumps(base | tokens | c) + "\n" for c in calls), "utf-8")
    cli.ingest(log)
    out = tmp_path / "focus.csv"
    code, _, err = cli("export", "focus", str(out), "--cost", "logged")
    assert code == 0, err
    assert check(out.read_text("utf-8")) == []
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert len(rows) == 2
    by_model = {r["ResourceId"]: r for r in rows}
    sonnet = by_model["claude-sonnet-4"]
    assert sonnet["EffectiveCost"] == sonnet["BilledCost"] == "0.020000000"
    assert sonnet["x_Requests"] == "2"
    assert sonnet["ConsumedQuantity"] == str(2 * (4200 + 380))
    assert sonnet["ChargePeriodStart"] == "2026-09-14T00:00:00Z"
    assert sonnet["ChargePeriodEnd"] == "2026-09-15T00:00:00Z"
    assert sonnet["BillingPeriodStart"] == "2026-09-01T00:00:00Z"
    assert sonnet["BillingPeriodEnd"] == "2026-10-01T00:00:00Z"
    assert json.loads(sonnet["Tags"]) == {
        "tenant": "tenant_acme",
        "feature": "copilot",
        "provider": "anthropic",
    }
    private = by_model["acme-private-model"]
    assert private["EffectiveCost"] == "" and private["x_CostStatus"] == "unpriced"
    assert private["x_CostMode"] == "logged"


def test_billing_account_is_mapped_per_provider_else_the_provider_s_name(shared: Cli, tmp_path: Path) -> None:
    rows = _export(shared, tmp_path / "plain.csv", "--month", MONTH)
    providers = {r["ProviderName"] for r in rows}
    assert len(providers) > 1  # the mapping below must leave some provider unmapped
    assert all(r["BillingAccountId"] == r["ProviderName"] == r["BillingAccountName"] for r in rows)
    mapped = sorted(providers)[0]
    out = tmp_path / "mapped.csv"
    code, _, err = shared(
        "export", "focus", str(out), "--month", MONTH, "--billing-account", f"{mapped}=org-42"
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert check(out.read_text("utf-8")) == []
    for r in rows:
        assert r["BillingAccountId"] == ("org-42" if r["ProviderName"] == mapped else r["ProviderName"])
    rest = ", ".join(sorted(providers - {mapped}))
    assert f"BillingAccountId is the provider's name for {rest}" in " ".join(err.split())
    code, _, err = shared("export", "focus", str(out), "--month", MONTH, "--billing-account", "*=org-all")
    assert code == 0 and "BillingAccountId is the provider" not in err
    assert {r["BillingAccountId"] for r in csv.DictReader(io.StringIO(out.read_text("utf-8")))} == {"org-all"}
    code, _, err = shared("export", "focus", str(out), "--month", MONTH, "--billing-account", "openai")
    assert code == 2 and "expected PROVIDER=ID" in err
