"""`llmcost export grafana`: the dashboard is Grafana's JSON model with the data source as a
variable, and every PromQL query names only metrics that a real `export prometheus` file (written
here from the fixtures' warehouse) contains. Also: the textfile's new per-dimension request,
success and failure gauges agree with `llmcost report`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

METRIC = re.compile(r"\b(llmcost_[a-z0-9_]+)")
PROMQL_WORDS = {"sum", "by", "topk", "sort_desc", "scalar", "time"}


@pytest.fixture
def prom(shared: Cli, tmp_path: Path) -> str:
    config = tmp_path / "llmcost.toml"
    config.write_text("[budgets]\norg_monthly_usd = 40\n", "utf-8")
    out = tmp_path / "llmcost.prom"
    code, _, err = shared("export", "prometheus", str(out), "--at", "2026-09-15", "--config", str(config))
    assert code == 0, err
    return out.read_text("utf-8")


def _dashboard(shared: Cli, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "dash.json"
    code, _, err = shared("export", "grafana", str(out), db=False)
    assert code == 0, err
    assert "Grafana dashboard" in err
    doc: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return doc


def _exported_metrics(prom: str) -> set[str]:
    return {line.split()[2] for line in prom.splitlines() if line.startswith("# TYPE ")}


def test_every_query_names_an_exported_metric(shared: Cli, tmp_path: Path, prom: str) -> None:
    exported = _exported_metrics(prom)
    doc = _dashboard(shared, tmp_path)
    used = set()
    for panel in doc["panels"]:
        for target in panel["targets"]:
            names = set(METRIC.findall(target["expr"]))
            assert names, target["expr"]
            assert names <= exported, (panel["title"], names - exported)
            used |= names
    # the panels the issue asks for, by the metrics behind them
    for name in (
        "llmcost_tenant_spend_usd",
        "llmcost_feature_spend_usd",
        "llmcost_model_spend_usd",
        "llmcost_feature_failures",
        "llmcost_feature_successes",
        "llmcost_org_budget_usd",
        "llmcost_tenant_tokens",
    ):
        assert name in used


def test_dashboard_schema(shared: Cli, tmp_path: Path) -> None:
    doc = _dashboard(shared, tmp_path)
    assert isinstance(doc["schemaVersion"], int) and doc["schemaVersion"] >= 36
    assert doc["uid"] and doc["title"]
    variables = {v["name"]: v for v in doc["templating"]["list"]}
    assert variables["DS_PROMETHEUS"]["type"] == "datasource"
    assert variables["DS_PROMETHEUS"]["query"] == "prometheus"
    assert [i["name"] for i in doc["__inputs"]] == ["DS_PROMETHEUS"]
    ids = [p["id"] for p in doc["panels"]]
    assert len(ids) == len(set(ids))
    taken: set[tuple[int, int]] = set()
    for p in doc["panels"]:
        assert p["type"] in {"timeseries", "table", "bargauge", "gauge", "stat", "barchart"}
        pos = p["gridPos"]
        assert pos["x"] >= 0 and pos["x"] + pos["w"] <= 24 and pos["h"] > 0
        cells = {
            (x, y) for x in range(pos["x"], pos["x"] + pos["w"]) for y in range(pos["y"], pos["y"] + pos["h"])
        }
        assert not cells & taken, f"{p['title']} overlaps another panel"
        taken |= cells
        assert p["datasource"] == {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
        refs = [t["refId"] for t in p["targets"]]
        assert len(refs) == len(set(refs))
        for t in p["targets"]:
            assert t["datasource"]["uid"] == "${DS_PROMETHEUS}"
            assert t["expr"].count("(") == t["expr"].count(")")
            words = set(re.findall(r"\b([a-z_]+)\s*\(", t["expr"]))
            assert words <= PROMQL_WORDS, words
    # the article's example panel: spend by feature, stacked bars
    article = [
        p for p in doc["panels"] if "by (feature) (llmcost_feature_spend_usd" in p["targets"][0]["expr"]
    ]
    assert any(
        p["fieldConfig"]["defaults"]["custom"].get("stacking", {}).get("mode") == "normal" for p in article
    )


def _samples(prom: str, metric: str, label: str) -> dict[tuple[str, str], float]:
    out = {}
    pattern = re.compile(rf'^{metric}\{{{label}="([^"]*)",window="(day|month)"\}} (\S+)$')
    for line in prom.splitlines():
        m = pattern.match(line)
        if m:
            out[(m.group(1), m.group(2))] = float(m.group(3))
    return out


def test_failures_and_successes_match_the_report(shared: Cli, prom: str) -> None:
    code, out, err = shared(
        "report", "--by", "feature", "--since", "2026-09-01", "--until", "2026-09-16", "--format", "json"
    )
    assert code == 0, err
    rows = json.loads(out)["rows"]
    failures = _samples(prom, "llmcost_feature_failures", "feature")
    successes = _samples(prom, "llmcost_feature_successes", "feature")
    requests = _samples(prom, "llmcost_feature_requests", "feature")
    assert rows
    for r in rows:
        key = (r["feature"] or "(not logged)", "month")
        assert failures[key] == r["failures"]
        assert successes[key] == r["successes"]
        assert requests[key] == r["requests"]
