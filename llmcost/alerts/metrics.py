"""The numbers the Prometheus textfile carries, as data: spend and tokens by tenant (top N, the rest
folded into "(other)"), feature and model, for the evaluated day and the month to date; the alerts
firing by rule; the org's budget and forecast; when data last arrived.

Labels stay low-cardinality: every dimension is cut to its top N by month-to-date spend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.alerts.config import Settings
from llmcost.alerts.evaluate import evaluate
from llmcost.alerts.facts import ZERO, Extent, Facts
from llmcost.alerts.forecast import Pace, month_start
from llmcost.alerts.model import Evaluation, Rule, day_start
from llmcost.alerts.rules.budget_pace import org_pace

if TYPE_CHECKING:
    import duckdb

DIMENSIONS = ("tenant", "feature", "model")
OTHER = "(other)"
NOT_LOGGED = "(not logged)"


@dataclass
class Spend:
    key: str
    cost: Decimal = ZERO  # month to date
    tokens: int = 0
    requests: int = 0
    day_cost: Decimal = ZERO
    day_tokens: int = 0
    day_requests: int = 0
    successes: int = 0
    failures: int = 0
    day_successes: int = 0
    day_failures: int = 0

    def add(self, other: Spend) -> None:
        self.cost += other.cost
        self.tokens += other.tokens
        self.requests += other.requests
        self.day_cost += other.day_cost
        self.day_tokens += other.day_tokens
        self.day_requests += other.day_requests
        self.successes += other.successes
        self.failures += other.failures
        self.day_successes += other.day_successes
        self.day_failures += other.day_failures


@dataclass
class Snapshot:
    day: date
    cost_mode: str
    spend: dict[str, list[Spend]]  # dimension → rows, top N then "(other)"
    unpriced: int  # month to date
    day_unpriced: int
    evaluation: Evaluation
    org: Pace
    extent: Extent
    notes: list[str] = field(default_factory=list)

    @property
    def firing(self) -> dict[tuple[Rule, str], int]:
        """(rule, severity) → alerts firing, for every rule and both severities (zeros included)."""
        out = {(r, s): 0 for r in Rule for s in ("warning", "critical")}
        for a in self.evaluation.alerts:
            out[(a.rule, a.severity.value)] += 1
        return out


def _fold(rows: list[Spend], top: int) -> list[Spend]:
    rows = sorted(rows, key=lambda r: (-r.cost, -r.tokens, r.key))
    if len(rows) <= top:
        return rows
    other = Spend(OTHER)
    for r in rows[top:]:
        other.add(r)
    return [*rows[:top], other]


def snapshot(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    day: date,
    *,
    cost_mode: str = "derived",
    top: dict[str, int] | None = None,
    now: datetime | None = None,
) -> Snapshot:
    limits = {"tenant": 10, "feature": 20, "model": 20, **(top or {})}
    facts = Facts(con, day, cost_mode, settings.budgets.forecast_days)
    start = month_start(day)
    end = day + timedelta(days=1)
    facts.need_period()
    evaluation = evaluate(con, settings, day, cost_mode=cost_mode, now=now, facts=facts)
    params: dict[str, Any] = {"month_start": day_start(start), "until": day_start(end), "day": day_start(day)}
    rows: dict[str, dict[str, Spend]] = {d: {} for d in DIMENSIONS}
    unpriced = day_unpriced = 0
    for part, dim, key, cost, tokens, requests, unp, ok, failed in facts.query(
        "spend_by", params, cost=facts.cost
    ):
        name = key if key is not None else NOT_LOGGED
        row = rows[dim].setdefault(name, Spend(name))
        if part == "month":
            row.cost, row.tokens, row.requests = cost or ZERO, int(tokens or 0), int(requests)
            row.successes, row.failures = int(ok), int(failed)
        else:
            row.day_cost, row.day_tokens, row.day_requests = cost or ZERO, int(tokens or 0), int(requests)
            row.day_successes, row.day_failures = int(ok), int(failed)
        if dim == "tenant":  # every request is in exactly one row of each grouping set
            if part == "month":
                unpriced += int(unp)
            else:
                day_unpriced += int(unp)
    org = org_pace(facts, settings.org_budget)
    spend = {d: _fold(list(rows[d].values()), max(1, limits[d])) for d in DIMENSIONS}
    return Snapshot(day, cost_mode, spend, unpriced, day_unpriced, evaluation, org, facts.extent())
