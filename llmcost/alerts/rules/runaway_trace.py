"""runaway-trace: a trace whose calls or cost pass its feature's p99 by a factor, or a burst of calls, over the closed day.

The rule itself lives in llmcost/alerts/traces.py, which runs it over any span [since, until) (the
watch loop calls it after each ingest pass); here it is run over the UTC day `llmcost alerts --at
DAY` evaluates.
"""

from __future__ import annotations

from datetime import timedelta

from llmcost.alerts.model import Rule, RuleResult, day_start
from llmcost.alerts.rules import Context
from llmcost.alerts.traces import runaway_trace

RULE = Rule.RUNAWAY_TRACE


def needs(ctx: Context) -> None:
    """Nothing from the shared day aggregates: the rule reads its own per-trace query."""


def evaluate(ctx: Context) -> RuleResult:
    since, until = day_start(ctx.day), day_start(ctx.day + timedelta(days=1))
    return runaway_trace(ctx.facts.con, ctx.settings.alerts.runaway_trace, since, until, ctx.facts.cost)
