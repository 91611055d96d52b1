"""Error burn: more than `max_rate` (5%) of the day's requests ended in one of `outcomes` (error,
timeout) while the day's tokens still rose over the day before: paying for failures, often a retry
storm ("tighten timeouts and max retries").

Organisation-wide, over every request of the day; when it fires, the provider and model with the
most failures are named in the details. A day with fewer than `min_requests` requests, or without a
previous day to compare tokens with, is not evaluated (and the notes say so).
"""

from __future__ import annotations

from datetime import timedelta

from llmcost import numbers as fmt
from llmcost.alerts.model import Alert, Rule, RuleResult, Span, Status
from llmcost.alerts.rules import Context

RULE = Rule.ERROR_BURN


def needs(ctx: Context) -> None:
    ctx.facts.need("feature_days", Span(ctx.day - timedelta(days=1), ctx.day + timedelta(days=1)))


def evaluate(ctx: Context) -> RuleResult:
    cfg = ctx.settings.alerts.error_burn
    day, prev = ctx.day, ctx.day - timedelta(days=1)
    result = RuleResult(RULE, Status.OK)
    requests = failures = tokens = prev_tokens = 0
    bad = set(cfg.outcomes)
    for row in ctx.facts.feature_days():
        if row.day == day:
            requests += row.requests
            tokens += row.tokens
            if row.outcome in bad:
                failures += row.requests
        elif row.day == prev:
            prev_tokens += row.tokens
    if requests < cfg.min_requests:
        result.status = Status.SKIPPED
        result.notes.append(
            f"not evaluated: {requests:,} request(s) on {day}; the rule needs {cfg.min_requests:,}"
        )
        return result
    if ctx.facts.extent().history_days(day) < 1:
        result.status = Status.SKIPPED
        result.notes.append(f"not evaluated: no day before {day} in the warehouse to compare tokens with")
        return result
    result.checked = 1
    rate = failures / requests
    if rate <= cfg.max_rate:
        return result
    kinds = "/".join(cfg.outcomes)
    if tokens <= prev_tokens:
        result.notes.append(
            f"{fmt.percent(rate)} of requests on {day} were {kinds}, but tokens fell "
            f"({fmt.tokens(prev_tokens)} → {fmt.tokens(tokens)}): not a burn"
        )
        return result
    where = ctx.facts.detail("failures_by_model", Span.day(day), outcomes=list(cfg.outcomes))
    top = [
        {"provider": p, "model": m, "failures": int(f), "requests": int(n)}
        for p, m, f, n in where
        if int(f) > 0
    ]
    worst = (
        f"; most from {top[0]['provider'] or '?'}/{top[0]['model']} ({top[0]['failures']:,})" if top else ""
    )
    result.alerts.append(
        Alert(
            rule=RULE,
            severity=cfg.severity,
            subject_kind="org",
            subject="org",
            metric=f"{kinds} rate",
            unit="share",
            observed=rate,
            threshold=cfg.max_rate,
            baseline=None,
            window=Span.day(day),
            baseline_window=Span.day(prev),
            message=(
                f"{fmt.percent(rate)} of {requests:,} requests on {day} were {kinds} (alerts above "
                f"{fmt.percent(cfg.max_rate)}) while tokens rose {fmt.tokens(prev_tokens)} → {fmt.tokens(tokens)}{worst}"
            ),
            action=cfg.action_for("org"),
            details={
                "requests": requests,
                "failures": failures,
                "tokens": tokens,
                "previous_day_tokens": prev_tokens,
                "top_sources": top,
            },
        )
    )
    result.status = Status.FIRED
    return result
