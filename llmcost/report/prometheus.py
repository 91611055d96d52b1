"""A node_exporter textfile-collector file (`llmcost export prometheus FILE`), written atomically by
llmcost's own atomic writer (a private temp file, fsync, renamed over the target: mode 0600, secrets
in label values redacted), so the collector never reads half a file.

Gauges (window = "day": the evaluated UTC day; "month": the 1st of its month through that day):

    llmcost_tenant_spend_usd{tenant,window}    llmcost_tenant_tokens{tenant,window}
    llmcost_feature_spend_usd{feature,window}  llmcost_feature_tokens{feature,window}
    llmcost_model_spend_usd{model,window}      llmcost_model_tokens{model,window}
    llmcost_{tenant,feature,model}_{requests,successes,failures}{<dimension>,window}
    llmcost_requests{window}                   llmcost_unpriced_requests{window}
    llmcost_alerts_firing{rule,severity}       llmcost_alert_rule_evaluated{rule}
    llmcost_org_budget_usd                     llmcost_org_forecast_month_end_usd
    llmcost_evaluated_day_timestamp_seconds    llmcost_latest_request_timestamp_seconds
    llmcost_last_ingest_success_timestamp_seconds

Tenants, features and models are cut to the top N by month-to-date spend, the rest folded into
"(other)": label values stay few whatever the data. Failures are error, timeout, rate_limited and
cancelled; a request with outcome unknown is neither a success nor a failure. Spend leaves unpriced requests out (counted in
llmcost_unpriced_requests). Tokens are input + output.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from llmcost.report.output import write_text_atomic

if TYPE_CHECKING:
    from llmcost.alerts.metrics import Snapshot

_DIMENSION_LABEL = {"tenant": "tenant", "feature": "feature", "model": "model"}


def write_textfile(path: Path, snap: Snapshot) -> int:
    """Write the snapshot's gauges to `path`; returns the number of samples written."""
    from prometheus_client import CollectorRegistry, Gauge, generate_latest

    from llmcost.alerts.model import Status, day_start

    registry = CollectorRegistry()
    samples = 0

    def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, doc, labelnames=labels, registry=registry)

    for dim, rows in snap.spend.items():
        label = _DIMENSION_LABEL[dim]
        spend = gauge(
            f"llmcost_{dim}_spend_usd",
            f"LLM spend by {dim} in USD (top N, the rest as (other))",
            (label, "window"),
        )
        tokens = gauge(f"llmcost_{dim}_tokens", f"LLM tokens (input + output) by {dim}", (label, "window"))
        counts = {
            kind: gauge(f"llmcost_{dim}_{kind}", f"LLM {what} by {dim}", (label, "window"))
            for kind, what in (
                ("requests", "requests"),
                ("successes", "requests that succeeded"),
                ("failures", "requests that failed (error, timeout, rate_limited, cancelled)"),
            )
        }
        for r in rows:
            spend.labels(r.key, "day").set(float(r.day_cost))
            spend.labels(r.key, "month").set(float(r.cost))
            tokens.labels(r.key, "day").set(r.day_tokens)
            tokens.labels(r.key, "month").set(r.tokens)
            for kind, (day_n, month_n) in {
                "requests": (r.day_requests, r.requests),
                "successes": (r.day_successes, r.successes),
                "failures": (r.day_failures, r.failures),
            }.items():
                counts[kind].labels(r.key, "day").set(day_n)
                counts[kind].labels(r.key, "month").set(month_n)
            samples += 10

    tenants = snap.spend.get("tenant", [])
    requests = gauge("llmcost_requests", "LLM requests", ("window",))
    requests.labels("day").set(sum(r.day_requests for r in tenants))
    requests.labels("month").set(sum(r.requests for r in tenants))
    unpriced = gauge(
        "llmcost_unpriced_requests", "LLM requests with no cost under the cost mode", ("window",)
    )
    unpriced.labels("day").set(snap.day_unpriced)
    unpriced.labels("month").set(snap.unpriced)
    samples += 4

    firing = gauge("llmcost_alerts_firing", "Alerts firing for the evaluated day", ("rule", "severity"))
    for (rule, severity), n in snap.firing.items():
        firing.labels(rule.value, severity).set(n)
        samples += 1
    evaluated = gauge(
        "llmcost_alert_rule_evaluated",
        "1 when the rule could be evaluated (0: skipped or disabled)",
        ("rule",),
    )
    for result in snap.evaluation.results:
        evaluated.labels(result.rule.value).set(1 if result.status in (Status.OK, Status.FIRED) else 0)
        samples += 1

    if snap.org.budget is not None:
        gauge("llmcost_org_budget_usd", "The org's monthly LLM budget in USD").set(float(snap.org.budget))
        samples += 1
    if snap.org.forecast is not None:
        gauge("llmcost_org_forecast_month_end_usd", "Month-end LLM spend forecast in USD").set(
            float(snap.org.forecast)
        )
        samples += 1
    gauge("llmcost_evaluated_day_timestamp_seconds", "Start of the evaluated UTC day").set(
        day_start(snap.day).timestamp()
    )
    samples += 1
    if snap.extent.latest_request is not None:
        gauge("llmcost_latest_request_timestamp_seconds", "Time of the latest request in the warehouse").set(
            snap.extent.latest_request.timestamp()
        )
        samples += 1
    if snap.extent.last_ok_ingest is not None:
        gauge(
            "llmcost_last_ingest_success_timestamp_seconds",
            "When the last ingest that finished cleanly ended",
        ).set(snap.extent.last_ok_ingest.timestamp())
        samples += 1

    # Not prometheus_client.write_to_textfile: its temp file takes the umask's mode (often 0644) and
    # is never fsynced.
    write_text_atomic(path, generate_latest(registry).decode("utf-8"))
    return samples
