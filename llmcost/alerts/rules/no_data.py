"""No data: the evaluated day holds no requests at all. Every other rule would report "nothing
fired" on an empty day, so a stopped ingest job or log shipper must not pass for a quiet day."""

from __future__ import annotations

from datetime import date, timedelta

from llmcost.alerts.facts import Extent
from llmcost.alerts.model import Alert, Rule, RuleResult, Span, Status, iso
from llmcost.alerts.rules import Context
from llmcost.numbers import instant
from llmcost.queries import extent

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
            message=message(ext, day),
            action=cfg.action_for("requests"),
            details={"latest_request": latest, "last_ingest_finished": ingest},
        )
    )
    result.status = Status.FIRED
    return result


def message(ext: Extent, day: date) -> str:
    """Where the data is and the --at that reaches it, then when requests and ingests last came."""
    held = extent.Extent(ext.first_request, ext.latest_request, 1 if ext.latest_request else 0)
    text = extent.empty_window(held, f"on {day}", "--at")
    facts = []
    if ext.latest_request is not None:
        facts.append(f"the latest request is from {instant(ext.latest_request)}")
    facts.append(
        f"the last ingest finished {instant(ext.last_ingest)}"
        if ext.last_ingest
        else "nothing was ever ingested"
    )
    return f"{text} ({'; '.join(facts)})"
