"""The Prometheus textfile: parseable, low-cardinality, the manifest's totals, alerts by rule,
written whole (atomically) or not at all."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.alerts.conftest import Month
from tests.alerts.helpers import run

Samples = dict[str, list[tuple[dict[str, str], float]]]


def parse(path: Path) -> Samples:
    out: Samples = {}
    for family in text_string_to_metric_families(path.read_text("utf-8")):
        for s in family.samples:
            out.setdefault(s.name, []).append((dict(s.labels), s.value))
    return out


def by(samples: Samples, name: str, label: str, window: str) -> dict[str, float]:
    return {labels[label]: v for labels, v in samples[name] if labels.get("window") == window}


def test_textfile_totals_labels_and_alerts(
    planted: Month, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = planted.manifest
    spike = planted.anomaly("spike")
    out = tmp_path / "textfile" / "llmcost.prom"
    out.parent.mkdir()
    out.write_text("stale\n", "utf-8")
    code, _, err = run(
        capsys, "export-prometheus", str(out), "--at", spike["date"], "--top", "3", *planted.cli_args()
    )
    assert code == 0, err
    assert f"wrote {out}" in err
    assert [p.name for p in out.parent.iterdir()] == ["llmcost.prom"]  # no temp file left behind
    s = parse(out)

    daily = m.data["daily"][: spike["day"] + 1]
    month_cost = sum(Decimal(d["cost_usd"]) for d in daily)
    month_tokens = sum(d["tokens"] for d in daily)
    for dim in ("tenant", "feature", "model"):
        month = by(s, f"llmcost_{dim}_spend_usd", dim, "month")
        assert len(month) == 4 and "(other)" in month  # top 3 + the rest
        assert sum(month.values()) == pytest.approx(float(month_cost), abs=1e-5)
        assert sum(by(s, f"llmcost_{dim}_tokens", dim, "month").values()) == month_tokens
        day = by(s, f"llmcost_{dim}_spend_usd", dim, "day")
        assert sum(day.values()) == pytest.approx(float(daily[-1]["cost_usd"]), abs=1e-5)
    tenants = by(s, "llmcost_tenant_spend_usd", "tenant", "day")
    assert tenants["tenant_acme"] == pytest.approx(float(spike["day_cost_usd"]))
    assert by(s, "llmcost_requests", "window", "day") == {"day": daily[-1]["requests"]}

    firing = {(labels["rule"], labels["severity"]): v for labels, v in s["llmcost_alerts_firing"]}
    assert len(firing) == 22  # 11 rules x 2 severities
    assert {k for k, v in firing.items() if v} == {
        ("tenant-spike", "warning"),
        ("feature-regression", "warning"),
        ("budget-pace", "critical"),
    }
    evaluated = {labels["rule"]: v for labels, v in s["llmcost_alert_rule_evaluated"]}
    assert evaluated.pop("margin-floor") == 0  # no [plans]: no prices to hold the floor against
    assert all(v == 1 for v in evaluated.values())
    assert s["llmcost_org_budget_usd"][0][1] == m.budget_usd
    assert s["llmcost_org_forecast_month_end_usd"][0][1] > m.budget_usd
    assert s["llmcost_last_ingest_success_timestamp_seconds"][0][1] > 1.7e9
    assert s["llmcost_evaluated_day_timestamp_seconds"][0][1] == 1792454400  # 2026-10-20T00:00Z
    labels = {k for samples in s.values() for labels, _ in samples for k in labels}
    assert labels == {"tenant", "feature", "model", "window", "rule", "severity"}


def test_export_group_and_unwritable_target(
    planted: Month, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from llmcost.cli import report

    out = tmp_path / "a.prom"
    if hasattr(report, "export_app"):
        code, _, err = run(
            capsys, "export", "prometheus", str(out), "--at", "2026-10-20", *planted.cli_args()
        )
        assert code == 0, err
        assert "llmcost_tenant_spend_usd" in out.read_text("utf-8")
    code, _, err = run(
        capsys,
        "export-prometheus",
        str(tmp_path / "missing" / "dir" / "a.prom"),
        "--at",
        "2026-10-20",
        *planted.cli_args(),
    )
    assert code == 73 and "cannot write" in err
