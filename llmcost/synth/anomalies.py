"""Planted anomalies: where and how big, decided before any traffic is generated.

Each anomaly is placed so that it fires on its own: the spike's trailing week, the regression's two
weeks and the error burn's previous day are kept clear of the other plants, and a window too short
for an anomaly records why it was skipped instead of planting something a detector could not see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from llmcost.synth.calendar import day_of, first_month_start

ANOMALIES: tuple[str, ...] = ("spike", "regression", "embed-surge", "error-burn", "budget-pace")

SPIKE_FACTOR = 2.5  # the tenant's day cost over its trailing 7-day average
REGRESSION_FEATURE = "copilot"
BUDGET_THRESHOLD = 0.8  # share of the monthly budget that must not be spent in the first week
BUDGET_TARGET = 0.92  # what the planted first week actually spends
BUDGET_HEADROOM = 1.25  # the budget is this multiple of the expected normal month
EMBED_SURGE_RATIO = 1.6  # re-index embedding tokens over the day's generation tokens


@dataclass(frozen=True)
class Spike:
    tenant: int
    day: int


@dataclass(frozen=True)
class Regression:
    feature: str
    day: int  # first day of the new prompt version (a Monday, deployed at 00:00 UTC)
    input_factor: float = 1.3
    output_factor: float = 1.3
    accept_factor: float = 0.65  # the worse prompt's longer drafts are accepted less often


@dataclass(frozen=True)
class EmbedSurge:
    day: int  # the re-index calls are fitted to the day's actual generation tokens


@dataclass(frozen=True)
class ErrorBurn:
    day: int
    provider: str = "anthropic"
    # Mostly fast 529s (no tokens) with some timeouts (billed input): error rate soars, tokens and
    # spend rise modestly, so no tenant's day looks like a spike.
    failure: tuple[float, float, float] = (0.06, 0.02, 0.19)  # timeout, rate_limited, error
    max_attempts: int = 4  # the retry storm
    volume_factor: float = 1.03  # users press "regenerate"


@dataclass(frozen=True)
class BudgetPace:
    month_day: int  # window day index of the month's 1st
    days: tuple[int, ...]  # the backfill days
    calls_per_day: int = 0


@dataclass
class Plan:
    requested: tuple[str, ...]
    spike: Spike | None = None
    regression: Regression | None = None
    embed_surge: EmbedSurge | None = None
    error_burn: ErrorBurn | None = None
    budget_pace: BudgetPace | None = None
    skipped: list[dict[str, str]] = field(default_factory=list)


def parse_anomalies(spec: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """`all`, `none`, or a comma list of ANOMALIES, in canonical order."""
    if spec is None:
        return ()
    items = [s.strip() for s in spec.split(",")] if isinstance(spec, str) else [s.strip() for s in spec]
    items = [s for s in items if s]
    if items == ["all"]:
        return ANOMALIES
    if items in (["none"], []):
        return ()
    unknown = [s for s in items if s not in ANOMALIES]
    if unknown:
        raise ValueError(
            f"unknown anomaly {', '.join(unknown)}; choose from {', '.join(ANOMALIES)}, all, none"
        )
    return tuple(a for a in ANOMALIES if a in items)


def _nearest(candidates: list[int], target: float) -> int | None:
    return min(candidates, key=lambda d: (abs(d - target), d)) if candidates else None


def place(start: date, days: int, requested: tuple[str, ...]) -> Plan:
    """Choose the day (and subject) of every requested anomaly; factors are sized later."""
    plan = Plan(requested)
    weekday = [day_of(start, d).weekday() for d in range(days)]

    if "regression" in requested:
        mondays = [d for d in range(7, days - 6) if weekday[d] == 0]
        r = _nearest(mondays, 0.4 * days)
        if r is None:
            plan.skipped.append(
                {"kind": "regression", "reason": "needs a Monday with a full week before and after"}
            )
        else:
            plan.regression = Regression(REGRESSION_FEATURE, r)

    # The spike's trailing week stays on one prompt version, so its baseline is like for like.
    reg = plan.regression.day if plan.regression else None
    if "spike" in requested:
        mid_week = [d for d in range(8, days - 1) if weekday[d] in (1, 2, 3)]
        clear = [d for d in mid_week if reg is None or d >= reg + 8 or d < reg]
        s = _nearest(clear or mid_week, 0.65 * days)
        if s is None:
            plan.skipped.append({"kind": "spike", "reason": "needs a weekday after 8 days of history"})
        else:
            plan.spike = Spike(tenant=0, day=s)  # tenant_acme: the most base spend

    if "error-burn" in requested:
        taken = [plan.spike.day] if plan.spike else []
        # A Tuesday: Monday's volume is lower, so the day's tokens rise whatever the noise.
        cands = [d for d in range(8, days - 1) if all(abs(d - t) >= 2 for t in taken)]
        e = _nearest([d for d in cands if weekday[d] == 1], 0.85 * days)
        e = e if e is not None else _nearest([d for d in cands if weekday[d] == 2], 0.85 * days)
        if e is None:
            plan.skipped.append({"kind": "error-burn", "reason": "needs a Tuesday or Wednesday after day 8"})
        else:
            plan.error_burn = ErrorBurn(e)

    if "embed-surge" in requested:
        taken = [x.day for x in (plan.spike, plan.error_burn) if x is not None]
        cands = [d for d in range(1, days - 1) if weekday[d] < 5 and all(abs(d - t) >= 2 for t in taken)]
        u = _nearest(cands, 0.45 * days)
        if u is None:
            plan.skipped.append(
                {"kind": "embed-surge", "reason": "needs a weekday away from the other plants"}
            )
        else:
            plan.embed_surge = EmbedSurge(u)

    if "budget-pace" in requested:
        m = first_month_start(start, days)
        if m is None:
            plan.skipped.append(
                {"kind": "budget-pace", "reason": "needs the 1st of a month and 7 days after it"}
            )
        else:
            plan.budget_pace = BudgetPace(month_day=m, days=tuple(range(m, m + 5)))
    return plan


def nice_up(x: float) -> int:
    """Round up to two significant digits, as a person sets a budget (18,734 -> 19,000)."""
    if x <= 0:
        return 0
    step = 10 ** max(0, math.floor(math.log10(x)) - 1)
    return int(math.ceil(x / step) * step)
