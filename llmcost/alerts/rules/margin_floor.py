"""Margin floor: a tenant whose month-to-date LLM cost already leaves less than `floor` (default
`[plans] margin_floor`, 50%) of its monthly plan price as gross margin, i.e. cost > (1 - floor) x
price. Cost only grows through the month, so once fired the month's margin stays under the floor.

Prices come from the billing system (`[plans]`); without it the rule is skipped. Tenants with
spend and no price are counted in the notes, not alerted (`llmcost margin` flags them).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from llmcost import numbers as fmt
from llmcost.alerts.forecast import month_start
from llmcost.alerts.model import NANO, Alert, Rule, RuleResult, Span, Status
from llmcost.alerts.rules import Context, tenant_label

RULE = Rule.MARGIN_FLOOR


def needs(ctx: Context) -> None:
    if ctx.settings.billing_source is not None:
        ctx.facts.need_period()


def evaluate(ctx: Context) -> RuleResult:
    settings = ctx.settings
    result = RuleResult(RULE, Status.OK)
    if settings.billing_source is None:
        result.status = Status.SKIPPED
        result.notes.append(
            "not evaluated: no plan prices ([plans] database and query name the billing system)"
        )
        return result
    cfg = settings.alerts.margin_floor
    floor = Decimal(str(cfg.floor if cfg.floor is not None else settings.margin_floor))
    span = Span(month_start(ctx.day), ctx.day + timedelta(days=1))
    no_price = 0
    for tenant, period in sorted(ctx.facts.tenant_period().items(), key=lambda kv: tenant_label(kv[0])):
        price = settings.billing_prices.get(tenant) if tenant is not None else None
        if not price:
            no_price += period.cost > 0
            continue
        result.checked += 1
        limit = (price * (1 - floor)).quantize(NANO)
        if period.cost > limit:
            result.alerts.append(_alert(ctx, tenant, price, period.cost, limit, floor, span))
    if no_price:
        result.notes.append(
            f"{no_price} tenant(s) with spend in {span.label()} have no plan price in {settings.billing_source}: "
            "not checked (`llmcost margin` lists them)"
        )
    result.status = Status.FIRED if result.alerts else Status.OK
    return result


def _alert(
    ctx: Context,
    tenant: str | None,
    price: Decimal,
    cost: Decimal,
    limit: Decimal,
    floor: Decimal,
    span: Span,
) -> Alert:
    cfg = ctx.settings.alerts.margin_floor
    name = tenant_label(tenant)
    plan = ctx.settings.plan_of(tenant) or "?"
    margin = (price - cost) / price
    return Alert(
        rule=RULE,
        severity=cfg.severity,
        subject_kind="tenant",
        subject=name,
        metric="month-to-date cost",
        unit="usd",
        observed=cost,
        threshold=limit,
        baseline=price,
        window=span,
        baseline_window=None,
        message=(
            f"{name} ({plan} plan, {fmt.usd(price)} a month) cost {fmt.usd(cost)} in {span.label()}: "
            f"gross margin {fmt.percent(margin)}, under the {fmt.percent(floor)} floor"
        ),
        action=cfg.action_for(name),
        details={
            "plan": plan,
            "monthly_price_usd": price,
            "margin_floor": floor,
            "gross_margin_share": margin,
        },
    )
