"""No data: the evaluated day holds no requests at all. Every other rule would report "nothing
fired" on an empty day, so a stopped ingest job or log shipper must not pass for a quiet day."""

from __future__ import annotations

from datetime import timedelta

from llmcost.alerts.model import Alert, Rule, RuleResult, Span, Status, iso
from llmcost.alerts.rules import Context

RULE = Rule.NO_DATA


def needs(ctx: Context) -> None:
    return None


def evaluate(ctx: Context) -> RuleResult:
    cfg = ctx.settings.alerts.no_data
    day = ctx.day
    result = RuleResult(RULE, Status.OK, checked=1)
    requests, _ = ctx.facts.day_totals(Span.day(day))
    if requests:
        return result
    ext = ctx.facts.extent()
    latest = iso(ext.latest_request) or "never"
    ingest = iso(ext.last_ingest) or "never"
    result.alerts.append(
        Alert(
            rule=RULE,
            severity=cfg.severity,
            subject_kind="warehouse",
            subject="requests",
            metric="requests",
            unit="count",
            observed=0,
            threshold=1,
            baseline=None,
            window=Span(day, day + timedelta(days=1)),
            baseline_window=None,
            message=(
                f"no requests on {day}: "
                + (
                    f"the latest request is from {latest}"
                    if ext.latest_request
                    else "the warehouse holds none yet"
                )
                + (
                    f"; the last ingest finished {ingest}"
                    if ext.last_ingest
                    else "; nothing was ever ingested"
                )
            ),
            action=cfg.action_for("requests"),
            details={"latest_request": latest, "last_ingest_finished": ingest},
        )
    )
    result.status = Status.FIRED
    return result
