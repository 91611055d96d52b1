"""`llmcost export grafana OUT.json`: a Grafana dashboard over the metrics `llmcost export
prometheus` writes (the textfile node_exporter serves), ready for Dashboards → New → Import.

The data source is a variable (`DS_PROMETHEUS`, declared in `__inputs` as Grafana's own exports
do), so the file imports into any Grafana with any Prometheus-compatible source; no uid of a
particular instance is baked in. The gauges are snapshots refreshed once a day by the nightly
cron, so panels read them as they are (no rate()): `window="day"` is the evaluated UTC day,
`window="month"` the month to date.
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_VERSION = 39  # the dashboard JSON model of Grafana 10.x and 11.x
DATASOURCE = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
UID = "llmcost-spend"

# (title, type, width, height, [(expr, legend)], unit, options)
PANELS: list[tuple[str, str, int, int, list[tuple[str, str]], str]] = [
    (
        "Spend by feature, per day (stacked)",
        "barchart-ts",
        12,
        8,
        [('sum by (feature) (llmcost_feature_spend_usd{window="day"})', "{{feature}}")],
        "currencyUSD",
    ),
    (
        "Top 10 tenants by tokens, last day",
        "table",
        12,
        8,
        [('topk(10, sum by (tenant) (llmcost_tenant_tokens{window="day"}))', "{{tenant}}")],
        "short",
    ),
    (
        "Daily spend",
        "timeseries",
        12,
        8,
        [('sum(llmcost_tenant_spend_usd{window="day"})', "spend")],
        "currencyUSD",
    ),
    (
        "Budget utilisation (month to date and forecast)",
        "gauge",
        12,
        8,
        [
            (
                'sum(llmcost_tenant_spend_usd{window="month"}) / scalar(llmcost_org_budget_usd)',
                "month to date",
            ),
            ("llmcost_org_forecast_month_end_usd / llmcost_org_budget_usd", "forecast month end"),
        ],
        "percentunit",
    ),
    (
        "Spend by tenant, month to date",
        "bargauge",
        8,
        9,
        [('sort_desc(sum by (tenant) (llmcost_tenant_spend_usd{window="month"}))', "{{tenant}}")],
        "currencyUSD",
    ),
    (
        "Spend by feature, month to date",
        "bargauge",
        8,
        9,
        [('sort_desc(sum by (feature) (llmcost_feature_spend_usd{window="month"}))', "{{feature}}")],
        "currencyUSD",
    ),
    (
        "Spend by model, month to date",
        "bargauge",
        8,
        9,
        [('sort_desc(sum by (model) (llmcost_model_spend_usd{window="month"}))', "{{model}}")],
        "currencyUSD",
    ),
    (
        "Error rate by feature, last day",
        "timeseries",
        12,
        8,
        [
            (
                'sum by (feature) (llmcost_feature_failures{window="day"})'
                ' / sum by (feature) (llmcost_feature_requests{window="day"})',
                "{{feature}}",
            ),
            (
                'sum(llmcost_model_failures{window="day"}) / sum(llmcost_model_requests{window="day"})',
                "all",
            ),
        ],
        "percentunit",
    ),
    (
        "Cost per successful request by feature, last day",
        "timeseries",
        12,
        8,
        [
            (
                'sum by (feature) (llmcost_feature_spend_usd{window="day"})'
                ' / sum by (feature) (llmcost_feature_successes{window="day"})',
                "{{feature}}",
            )
        ],
        "currencyUSD",
    ),
    (
        "Alerts firing",
        "stat",
        12,
        6,
        [("sum by (rule, severity) (llmcost_alerts_firing) > 0", "{{rule}} ({{severity}})")],
        "short",
    ),
    (
        "Hours since the last clean ingest",
        "stat",
        12,
        6,
        [("(time() - llmcost_last_ingest_success_timestamp_seconds) / 3600", "hours")],
        "short",
    ),
]


def _panel(
    pid: int, x: int, y: int, spec: tuple[str, str, int, int, list[tuple[str, str]], str]
) -> dict[str, Any]:
    title, kind, w, h, queries, unit = spec
    instant = kind in ("table", "bargauge", "gauge", "stat")
    targets = [
        {
            "refId": chr(ord("A") + i),
            "datasource": DATASOURCE,
            "expr": expr,
            "legendFormat": legend,
            "instant": instant,
            "range": not instant,
            **({"format": "table"} if kind == "table" else {}),
        }
        for i, (expr, legend) in enumerate(queries)
    ]
    custom: dict[str, Any] = {}
    panel_type = kind
    if kind == "barchart-ts":  # a time series drawn as stacked bars: one bar per day
        panel_type = "timeseries"
        custom = {"drawStyle": "bars", "fillOpacity": 80, "stacking": {"mode": "normal", "group": "A"}}
    field_config: dict[str, Any] = {"defaults": {"unit": unit, "custom": custom}, "overrides": []}
    if kind == "gauge":
        field_config["defaults"] |= {
            "min": 0,
            "max": 1.2,
            "thresholds": {
                "mode": "absolute",
                "steps": [
                    {"color": "green", "value": None},
                    {"color": "orange", "value": 0.8},
                    {"color": "red", "value": 1},
                ],
            },
        }
    options: dict[str, Any] = {}
    if kind == "bargauge":
        options = {"orientation": "horizontal", "displayMode": "basic", "showUnfilled": True}
    if kind == "table":
        options = {"sortBy": [{"displayName": "Value", "desc": True}]}
    return {
        "id": pid,
        "type": panel_type,
        "title": title,
        "datasource": DATASOURCE,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "targets": targets,
        "fieldConfig": field_config,
        "options": options,
    }


def dashboard() -> dict[str, Any]:
    """The dashboard as Grafana's JSON model."""
    panels = []
    x = y = row_h = 0
    for pid, spec in enumerate(PANELS, start=1):
        w, h = spec[2], spec[3]
        if x + w > 24:
            x, y, row_h = 0, y + row_h, 0
        panels.append(_panel(pid, x, y, spec))
        x += w
        row_h = max(row_h, h)
    return {
        "__inputs": [
            {
                "name": "DS_PROMETHEUS",
                "label": "Prometheus",
                "description": "The Prometheus that scrapes node_exporter's textfile collector",
                "type": "datasource",
                "pluginId": "prometheus",
                "pluginName": "Prometheus",
            }
        ],
        "__requires": [
            {"type": "grafana", "id": "grafana", "name": "Grafana", "version": "10.0.0"},
            {"type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"},
        ],
        "uid": UID,
        "title": "LLM spend (llmcost)",
        "description": "Written by `llmcost export grafana` over the metrics of `llmcost export prometheus`.",
        "tags": ["llmcost", "llm", "cost"],
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "editable": True,
        "timezone": "utc",
        "time": {"from": "now-30d", "to": "now"},
        "refresh": "1h",
        "templating": {
            "list": [
                {
                    "name": "DS_PROMETHEUS",
                    "label": "Data source",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {},
                    "hide": 0,
                    "refresh": 1,
                    "options": [],
                }
            ]
        },
        "annotations": {"list": []},
        "links": [],
        "panels": panels,
    }


def render() -> str:
    return json.dumps(dashboard(), indent=2) + "\n"
