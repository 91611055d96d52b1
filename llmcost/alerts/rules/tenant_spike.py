"""Tenant spike: a tenant's day cost above `factor` x its trailing average ("catches runaway agents
and abuse before the invoice closes").

The baseline is the mean over the `baseline_days` calendar days before the day, days without
traffic counting as $0. Two floors keep small tenants' noisy days quiet: the day must cost at least
`min_daily_usd`, and the tenant must have been seen `min_history_days` before the day. A tenant
that would have fired but is too new, or had no spend at all in the baseline window, is named in
the notes rather than alerted or silently dropped.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from llmcost import numbers as fmt
from llmcost.alerts.facts import ZERO, DayCost
from llmcost.alerts.model import NANO, Alert, Rule, RuleResult, Span, Status
from llmcost.alerts.rules import Context, tenant_label

RULE = Rule.TENANT_SPIKE


def _lookback(ctx: Context) -> int:
    cfg = ctx.settings.alerts.tenant_spike
    return max(cfg.baseline_days, cfg.min_history_days)


def needs(ctx: Context) -> None:
    ctx.facts.need("tenant_days", Span(ctx.day - timedelta(days=_lookback(ctx)), ctx.day + timedelta(days=1)))


def evaluate(ctx: Context) -> RuleResult:
    cfg = ctx.settings.alerts.tenant_spike
    day = ctx.day
    result = RuleResult(RULE, Status.OK)
    history = ctx.facts.extent().history_days(day)
    if history < _lookback(ctx):
        result.status = Status.SKIPPED
        result.notes.append(
            f"not evaluated: the warehouse holds {history} day(s) of requests before {day}; the rule needs "
            f"{_lookback(ctx)} ({cfg.baseline_days}-day baseline, {cfg.min_history_days} days of tenant history)"
        )
        return result

    base = Span(day - timedelta(days=cfg.baseline_days), day)
    factor = Decimal(str(cfg.factor))
    candidates: list[tuple[str | None, DayCost, Decimal]] = []
    for tenant, days in ctx.facts.tenant_days().items():
        today = days.get(day)
        if today is None:
            continue
        result.checked += 1
        baseline = trailing_mean(days, base)
        if today.cost >= cfg.min_daily_usd and today.cost > factor * baseline:
            candidates.append((tenant, today, baseline.quantize(NANO)))

    seen_by = day - timedelta(days=cfg.min_history_days)
    days_of = ctx.facts.tenant_days()
    unknown = [t for t, _, _ in candidates if not any(d <= seen_by for d in days_of[t])]
    first_seen = ctx.facts.first_seen(unknown, seen_by + timedelta(days=1)) if unknown else {}
    for tenant, today, baseline in sorted(candidates, key=lambda c: (-c[1].cost, tenant_label(c[0]))):
        name = tenant_label(tenant)
        if tenant in unknown and tenant not in first_seen:
            first = min(days_of[tenant])
            result.notes.append(
                f"{name} spent {fmt.usd(today.cost)} on {day} but was first seen on {first} "
                f"({(day - first).days} day(s) of history; the rule needs {cfg.min_history_days}): not alerted"
            )
            continue
        if baseline == 0:
            result.notes.append(
                f"{name} spent {fmt.usd(today.cost)} on {day} after no spend in the {cfg.baseline_days} days "
                "before: no baseline to compare with, not alerted"
            )
            continue
        result.alerts.append(_alert(ctx, tenant, today, baseline, base))
    result.status = Status.FIRED if result.alerts else Status.OK
    return result


def _alert(ctx: Context, tenant: str | None, today: DayCost, baseline: Decimal, base: Span) -> Alert:
    cfg = ctx.settings.alerts.tenant_spike
    day = ctx.day
    name = tenant_label(tenant)
    ratio = float(today.cost / baseline)
    features = ctx.facts.detail("tenant_features", Span.day(day), tenant=tenant)
    details: dict[str, object] = {
        "ratio": ratio,
        "requests": today.requests,
        "top_features": [
            {"feature": f, "requests": int(n), "cost_usd": c if c is not None else None}
            for f, n, c in features
        ],
    }
    if today.unpriced:
        details["unpriced_requests"] = today.unpriced
    top = ", ".join(f"{f or '(not logged)'} {fmt.usd(c)}" for f, _, c in features if c is not None)
    return Alert(
        rule=RULE,
        severity=cfg.severity,
        subject_kind="tenant",
        subject=name,
        metric="day cost",
        unit="usd",
        observed=today.cost,
        threshold=(Decimal(str(cfg.factor)) * baseline).quantize(NANO),
        baseline=baseline,
        window=Span.day(day),
        baseline_window=base,
        message=(
            f"{name} spent {fmt.usd(today.cost)} on {day}, {fmt.times(ratio)} its {cfg.baseline_days}-day "
            f"average of {fmt.usd(baseline)} (alerts above {cfg.factor:g}×)"
            + (f"; top: {top}" if top else "")
        ),
        action=cfg.action_for(name),
        details=details,
    )


def trailing_mean(days: dict[date, DayCost], span: Span) -> Decimal:
    return sum((c.cost for d, c in days.items() if span.start <= d < span.end), ZERO) / span.days
