"""Evaluate the alert rules for one UTC day: declare what each enabled rule needs, compute those
aggregates once, run the rules, collect alerts and notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from llmcost.alerts.config import Settings
from llmcost.alerts.facts import Facts
from llmcost.alerts.model import DataFacts, Evaluation, Rule, RuleResult, Span, Status, iso
from llmcost.alerts.rules import Context, registry
from llmcost.errors import UsageError

if TYPE_CHECKING:
    import duckdb


def parse_rules(values: Iterable[str] | None) -> list[Rule]:
    """`--rule` values (repeated or comma lists; hyphens or underscores) as rules, in canonical order."""
    if not values:
        return list(Rule)
    wanted: set[Rule] = set()
    for value in values:
        for item in value.split(","):
            name = item.strip().lower().replace("_", "-")
            if not name:
                continue
            try:
                wanted.add(Rule(name))
            except ValueError:
                raise UsageError(
                    f"--rule: unknown rule {item.strip()[:40]!r}; choose from {', '.join(r.value for r in Rule)}"
                ) from None
    return [r for r in Rule if r in wanted] or list(Rule)


def closed_day(now: datetime | None = None) -> date:
    """The UTC day that closed last: yesterday."""
    now = now or datetime.now(UTC)
    return now.astimezone(UTC).date() - timedelta(days=1)


def evaluate(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    day: date,
    *,
    rules: Iterable[Rule] | None = None,
    cost_mode: str = "derived",
    now: datetime | None = None,
    facts: Facts | None = None,
) -> Evaluation:
    """Every selected rule (all by default) for `day`; disabled rules are reported as such.

    `facts` lets a caller that needs more aggregates of the same day (the Prometheus export)
    declare them first, so a shared aggregate is computed once.
    """
    selected = list(rules) if rules is not None else list(Rule)
    if facts is None:
        facts = Facts(con, day, cost_mode, settings.budgets.forecast_days)
    elif facts.day != day or facts.cost_mode != cost_mode:
        raise ValueError("facts were prepared for another day or cost mode")
    ctx = Context(day, settings, facts)
    specs = registry()
    enabled = [r for r in selected if ctx.config(r).enabled]
    for rule in enabled:
        specs[rule].needs(ctx)
    results: list[RuleResult] = []
    for rule in selected:
        if rule in enabled:
            results.append(specs[rule].evaluate(ctx))
        else:
            results.append(
                RuleResult(rule, Status.DISABLED, notes=[f"disabled in [alerts.{rule.config_key}]"])
            )
    requests, unpriced = facts.day_totals(Span.day(day))
    ext = facts.extent()
    data = DataFacts(requests, unpriced, ext.first_request, ext.latest_request, ext.last_ingest)
    return Evaluation(day, cost_mode, results, data, _notes(day, data, now))


def _notes(day: date, data: DataFacts, now: datetime | None) -> list[str]:
    notes = []
    end = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
    now = now or datetime.now(UTC)
    if now < end:
        notes.append(f"{day} has not closed yet (UTC): its figures are partial")
    elif data.last_ingest is not None and data.last_ingest < end:
        notes.append(
            f"the last ingest finished at {iso(data.last_ingest)}, before {day} closed: the day may be incomplete"
        )
    if data.unpriced:
        notes.append(
            f"{data.unpriced:,} of {data.requests:,} request(s) on {day} have no cost under this cost mode "
            "(unpriced): dollar figures leave them out (see `llmcost pricing check`)"
        )
    return notes
