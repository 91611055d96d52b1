"""The rules a watch pass runs over the span of time it loaded.

A span rule takes a `Check` (the connection, the settings, the first and last timestamp the pass
loaded) and returns the alerts it finds. `SPAN_RULES` is the list a pass calls, in order: a rule
written for short windows plugs in with one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from llmcost.alerts import Alert, Rule, Settings, evaluate
from llmcost.alerts.traces import evaluate_span

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Check:
    con: duckdb.DuckDBPyConnection  # the writer's, set to read as reports do (UTC session)
    settings: Settings
    start: datetime  # the earliest timestamp the pass loaded
    end: datetime  # the latest (inclusive)
    cost_mode: str
    now: datetime

    def days(self) -> list[date]:
        """The UTC days the span touches, oldest first."""
        first, last = self.start.astimezone(UTC).date(), self.end.astimezone(UTC).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]


SpanRule = Callable[[Check], list[Alert]]

# The nightly rules whose answer means something while a day is still filling: a tenant or a
# feature already over its baseline or its plan at 14:20 is worth a page at 14:21. No-data (a
# pass that loaded rows has data) and margin-floor (a month's figure) wait for the nightly run.
DAY_RULES = (
    Rule.TENANT_SPIKE,
    Rule.FEATURE_REGRESSION,
    Rule.ERROR_BURN,
    Rule.EMBED_SURGE,
    Rule.TENANT_BUDGET,
    Rule.BUDGET_PACE,
)


def day_rules(check: Check) -> list[Alert]:
    """The day rules for every UTC day the span touches (a backfill of last week checks last week)."""
    found: list[Alert] = []
    for day in check.days():
        ev = evaluate(
            check.con, check.settings, day, rules=DAY_RULES, cost_mode=check.cost_mode, now=check.now
        )
        found.extend(ev.alerts)
    return found


def trace_rules(check: Check) -> list[Alert]:
    """runaway-trace, retry-storm, session-budget over the span itself (minutes, not days)."""
    until = check.end + timedelta(microseconds=1)  # the span's last row is in; `until` is exclusive
    results = evaluate_span(check.con, check.settings, check.start, until, cost_mode=check.cost_mode)
    return [a for r in results for a in r.alerts]


SPAN_RULES: list[SpanRule] = [
    trace_rules,
    day_rules,
]
