"""Tenant budget: a tenant's day cost over its plan's `daily_usd`, or its month-to-date cost over the
plan's `monthly_usd` (the article's per-tenant budgets: starter $5/day, pro $50/day, ...).

Plans and the tenant → plan mapping come from `[budgets]`, or for the tenants it names from the
billing system (`[plans]`: its llm_budget_usd is the monthly limit). Tenants with no plan (not mapped and no
`default_plan`) are not checked; the notes count them and their spend.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from llmcost import numbers as fmt
from llmcost.alerts.config import Plan
from llmcost.alerts.facts import ZERO
from llmcost.alerts.forecast import month_start
from llmcost.alerts.model import Alert, Rule, RuleResult, Span, Status
from llmcost.alerts.rules import Context, tenant_label

RULE = Rule.TENANT_BUDGET


def _monthly(ctx: Context) -> bool:
    return ctx.settings.has_monthly


def needs(ctx: Context) -> None:
    ctx.facts.need("tenant_days", Span.day(ctx.day))
    if _monthly(ctx):
        ctx.facts.need_period()


def evaluate(ctx: Context) -> RuleResult:
    settings = ctx.settings
    day = ctx.day
    result = RuleResult(RULE, Status.OK)
    if not settings.has_limits:
        result.status = Status.SKIPPED
        result.notes.append("not evaluated: no plan in [budgets.plans] has a daily_usd or monthly_usd limit")
        return result
    if not settings.maps_tenants:
        result.status = Status.SKIPPED
        result.notes.append(
            "not evaluated: no tenant is mapped to a plan ([budgets.tenants], budgets.tenants_file or "
            "budgets.default_plan)"
        )
        return result

    unmapped: dict[str | None, Decimal] = {}
    for tenant, days in sorted(ctx.facts.tenant_days().items(), key=lambda kv: tenant_label(kv[0])):
        today = days.get(day)
        if today is None:
            continue
        plan_name, plan = settings.plan_of(tenant), settings.limits_of(tenant)
        if plan_name is None or plan is None:
            unmapped[tenant] = today.cost
            continue
        result.checked += 1
        if plan.daily_usd is not None and today.cost > plan.daily_usd:
            result.alerts.append(_alert(ctx, tenant, plan_name, plan, today.cost, Span.day(day), "daily"))
    if _monthly(ctx):
        start = month_start(day)
        for tenant, period in sorted(ctx.facts.tenant_period().items(), key=lambda kv: tenant_label(kv[0])):
            plan_name, plan = settings.plan_of(tenant), settings.limits_of(tenant)
            if plan_name is None or plan is None:
                continue
            if plan.monthly_usd is not None and period.cost > plan.monthly_usd:
                span = Span(start, day + timedelta(days=1))
                result.alerts.append(_alert(ctx, tenant, plan_name, plan, period.cost, span, "monthly"))
    if unmapped:
        names = sorted(unmapped, key=lambda t: (-unmapped[t], tenant_label(t)))
        shown = ", ".join(tenant_label(t) for t in names[:5]) + (", …" if len(names) > 5 else "")
        result.notes.append(
            f"{len(unmapped)} tenant(s) with spend on {day} have no plan "
            f"({fmt.usd(sum(unmapped.values(), ZERO))}): not checked ({shown})"
        )
    result.status = Status.FIRED if result.alerts else Status.OK
    return result


def _alert(
    ctx: Context, tenant: str | None, plan_name: str, plan: Plan, spent: Decimal, window: Span, kind: str
) -> Alert:
    cfg = ctx.settings.alerts.tenant_budget
    name = tenant_label(tenant)
    limit = plan.daily_usd if kind == "daily" else plan.monthly_usd
    assert limit is not None
    when = f"on {ctx.day}" if kind == "daily" else f"in {window.label()}"
    return Alert(
        rule=RULE,
        severity=cfg.severity,
        subject_kind="tenant",
        subject=name,
        metric="day cost" if kind == "daily" else "month-to-date cost",
        unit="usd",
        observed=spent,
        threshold=limit,
        baseline=None,
        window=window,
        baseline_window=None,
        message=(
            f"{name} ({plan_name} plan) spent {fmt.usd(spent)} {when}, over its {kind} limit of "
            f"{fmt.usd(limit)}" + (f" ({fmt.times(float(spent / limit))})" if limit > 0 else "")
        ),
        action=cfg.action_for(name),
        details={"plan": plan_name, "limit": kind, "limit_usd": limit},
    )
