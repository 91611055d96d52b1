"""Budget pace: `threshold` (80%) of the org's monthly budget spent within the first `within_days`
(7) days of the month, or the month already over budget (both at `severity`, critical by default:
"page platform; enable the kill switch"), or, with `forecast`, a month-end forecast over budget
(`forecast_severity`). The forecast's run rate is the mean day over `[budgets] forecast_days`
(7) days; with fewer days of data it is not alerted on, and the notes say so.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from llmcost import numbers as fmt
from llmcost.alerts.facts import ZERO, Facts
from llmcost.alerts.forecast import Pace, crossing_day, month_start, pace_from, rate_window
from llmcost.alerts.model import NANO, Alert, Rule, RuleResult, Span, Status
from llmcost.alerts.rules import Context

RULE = Rule.BUDGET_PACE


def needs(ctx: Context) -> None:
    ctx.facts.need_period()


def org_pace(facts: Facts, budget: Decimal | None) -> Pace:
    """The org's month through the evaluated day, from the per-tenant month-to-date scan."""
    day = facts.day
    period = facts.tenant_period().values()
    spent = sum((p.cost for p in period), ZERO)
    window = rate_window(day, facts.rate_days, facts.extent().first_day)
    rate_total = sum((p.rate_cost for p in period), ZERO) if window else None

    def crossed() -> date | None:
        daily = facts.org_days(Span(month_start(day), day + timedelta(days=1)))
        return crossing_day(daily, day, budget) if budget is not None else None

    return pace_from(day, spent, budget, rate_total, window[1] if window else 0, crossed)


def evaluate(ctx: Context) -> RuleResult:
    cfg = ctx.settings.alerts.budget_pace
    budget = ctx.settings.org_budget
    day = ctx.day
    result = RuleResult(RULE, Status.OK)
    if budget is None:
        result.status = Status.SKIPPED
        result.notes.append("not evaluated: no org budget (set [budgets] org_monthly_usd)")
        return result
    p = org_pace(ctx.facts, budget)
    days = ctx.facts.rate_days
    result.checked = 1
    early = day.day <= cfg.within_days and p.spent >= Decimal(str(cfg.threshold)) * budget
    over = p.exhausted
    forecast_ok = cfg.forecast and p.run_rate_days >= days and p.forecast is not None
    overrun = forecast_ok and p.forecast is not None and p.forecast > budget
    if cfg.forecast and not forecast_ok and not (early or over):
        result.notes.append(
            f"month-end forecast not evaluated: {p.run_rate_days} day(s) of data in the "
            f"{days}-day run-rate window ending {day} ([budgets] forecast_days)"
        )
    if not (early or over or overrun):
        return result
    result.alerts.append(_alert(ctx, p, budget, early=early, over=over, overrun=overrun))
    result.status = Status.FIRED
    return result


def _alert(ctx: Context, p: Pace, budget: Decimal, *, early: bool, over: bool, overrun: bool) -> Alert:
    cfg = ctx.settings.alerts.budget_pace
    day = ctx.day
    month = p.month.strftime("%B %Y")
    share = p.share or 0.0
    parts = []
    if over:
        parts.append(
            f"{month} spend {fmt.usd(p.spent)} is over the {fmt.usd(budget)} budget ({fmt.percent(share)}) "
            f"since {p.runs_out}"
        )
    elif early:
        parts.append(
            f"{fmt.usd(p.spent)} of the {fmt.usd(budget)} {month} budget ({fmt.percent(share)}) spent by {day}, "
            f"day {day.day} (alerts at {fmt.percent(cfg.threshold)} within the first {cfg.within_days} days)"
        )
    if p.forecast is not None and (overrun or p.run_rate_days >= ctx.facts.rate_days):
        parts.append(
            f"forecast month-end {fmt.usd(p.forecast)} ({fmt.percent(p.forecast_share or 0.0)} of budget) at "
            f"{fmt.usd_or(p.run_rate)}/day over {p.run_rate_days} day(s)"
        )
    if p.runs_out is not None and not over:
        parts.append(f"runs out on {p.runs_out}")
    # The first-week rule's line while it is the reason; the budget itself once over or forecast over.
    threshold = (Decimal(str(cfg.threshold)) * budget).quantize(NANO) if early and not over else budget
    observed = p.forecast if (overrun and not (early or over)) and p.forecast is not None else p.spent
    return Alert(
        rule=RULE,
        severity=cfg.severity if (early or over) else cfg.forecast_severity,
        subject_kind="org",
        subject="org",
        metric="month-end forecast" if observed is not p.spent else "month-to-date spend",
        unit="usd",
        observed=observed,
        threshold=threshold,
        baseline=budget,
        window=Span(p.month, day + timedelta(days=1)),
        baseline_window=None,
        message="; ".join(parts),
        action=cfg.action_for("org"),
        details={
            "month": p.month.strftime("%Y-%m"),
            "budget_usd": budget,
            "month_to_date_usd": p.spent,
            "share": share,
            "days_elapsed": p.days_elapsed,
            "days_in_month": p.days_in_month,
            "run_rate_usd_per_day": p.run_rate if p.run_rate is not None else None,
            "run_rate_days": p.run_rate_days,
            "forecast_month_end_usd": p.forecast if p.forecast is not None else None,
            "runs_out_on": p.runs_out,
            "first_week_threshold_hit": early,
            "over_budget": over,
            "forecast_overrun": overrun,
        },
    )
