"""session-budget: a session over its token or dollar budget, over the closed day.

The rule itself lives in llmcost/alerts/traces.py, which runs it over any span [since, until) (the
watch loop calls it after each ingest pass); here it is run over the UTC day `llmcost alerts --at
DAY` evaluates.
"""

from __future__ import annotations

from datetime import timedelta

from llmcost.alerts.model import Rule, RuleResult, day_start
from llmcost.alerts.rules import Context
from llmcost.alerts.traces import session_budget

RULE = Rule.SESSION_BUDGET


def needs(ctx: Context) -> None:
    """Nothing from the shared day aggregates: the rule reads its own per-trace query."""


def evaluate(ctx: Context) -> RuleResult:
    since, until = day_start(ctx.day), day_start(ctx.day + timedelta(days=1))
    return session_budget(ctx.facts.con, ctx.settings.alerts.session_budget, since, until, ctx.facts.cost)
