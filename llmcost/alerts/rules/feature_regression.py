"""Feature regression: tokens per success up `min_increase` (40%) week over week, the signature of a
prompt or retrieval change that made every outcome dearer ("roll back the prompt version").

The week is the `window_days` ending with the evaluated day, compared with the `window_days`
before it. Tokens are every token the feature used in the window (retries and failures included,
as cost per successful action counts them). A success is an outcome event with one of
`success_events` (every loaded outcome event when empty) naming the feature; a feature that has no
outcome events in either window counts its requests with outcome `success` instead. Either window
with fewer than `min_successes` successes is named in the notes, not evaluated.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from llmcost import numbers as fmt
from llmcost.alerts.model import Alert, Rule, RuleResult, Span, Status
from llmcost.alerts.rules import Context, feature_label

RULE = Rule.FEATURE_REGRESSION


def _windows(ctx: Context) -> tuple[Span, Span]:
    w = ctx.settings.alerts.feature_regression.window_days
    end = ctx.day + timedelta(days=1)
    after = Span(end - timedelta(days=w), end)
    return Span(after.start - timedelta(days=w), after.start), after


def needs(ctx: Context) -> None:
    before, after = _windows(ctx)
    ctx.facts.need("feature_days", Span(before.start, after.end))
    ctx.facts.need("outcome_days", Span(before.start, after.end))


def evaluate(ctx: Context) -> RuleResult:
    cfg = ctx.settings.alerts.feature_regression
    before, after = _windows(ctx)
    result = RuleResult(RULE, Status.OK)
    history = ctx.facts.extent().history_days(ctx.day)
    needed = (ctx.day - before.start).days
    if history < needed:
        result.status = Status.SKIPPED
        result.notes.append(
            f"not evaluated: the warehouse holds {history} day(s) of requests before {ctx.day}; comparing "
            f"{after.label()} with {before.label()} needs {needed}"
        )
        return result

    tokens: dict[tuple[str | None, bool], int] = defaultdict(int)
    ok_requests: dict[tuple[str | None, bool], int] = defaultdict(int)
    for row in ctx.facts.feature_days():
        if before.start <= row.day < after.end:
            key = (row.feature, row.day >= after.start)
            tokens[key] += row.tokens
            if row.outcome == "success":
                ok_requests[key] += row.requests
    events: dict[tuple[str | None, bool], int] = defaultdict(int)
    for (feature, d), n in ctx.facts.outcome_days(cfg.success_events).items():
        if before.start <= d < after.end:
            events[(feature, d >= after.start)] += n

    active = sorted({f for (f, is_after), t in tokens.items() if is_after and t > 0}, key=feature_label)
    for feature in active:
        by_events = events[(feature, False)] + events[(feature, True)] > 0
        succ = events if by_events else ok_requests
        sb, sa = succ[(feature, False)], succ[(feature, True)]
        tb, ta = tokens[(feature, False)], tokens[(feature, True)]
        what = "outcome events" if by_events else "successful requests"
        if min(sb, sa) < cfg.min_successes or tb == 0:
            result.notes.append(
                f"{feature_label(feature)}: {sb:,} {what} in {before.label()} and {sa:,} in {after.label()}; "
                f"the rule needs {cfg.min_successes} in each: not evaluated"
            )
            continue
        result.checked += 1
        per_before, per_after = tb / sb, ta / sa
        ratio = per_after / per_before
        if ratio >= 1 + cfg.min_increase:
            result.alerts.append(
                _alert(ctx, feature, what, (per_before, per_after, ratio), (tb, sb, ta, sa), before, after)
            )
    result.status = Status.FIRED if result.alerts else Status.OK
    return result


def _alert(
    ctx: Context,
    feature: str | None,
    what: str,
    per: tuple[float, float, float],
    counts: tuple[int, int, int, int],
    before: Span,
    after: Span,
) -> Alert:
    cfg = ctx.settings.alerts.feature_regression
    per_before, per_after, ratio = per
    tb, sb, ta, sa = counts
    name = feature_label(feature)
    versions_before = [v for v, _, _ in ctx.facts.detail("prompt_versions", before, feature=feature)]
    versions_after = [v for v, _, _ in ctx.facts.detail("prompt_versions", after, feature=feature)]
    changed = ""
    if versions_before and versions_after and versions_before != versions_after:
        changed = f"; prompt_version {', '.join(versions_before)} → {', '.join(versions_after)}"
    return Alert(
        rule=RULE,
        severity=cfg.severity,
        subject_kind="feature",
        subject=name,
        metric="tokens per success",
        unit="tokens",
        observed=round(per_after, 2),
        threshold=round(per_before * (1 + cfg.min_increase), 2),
        baseline=round(per_before, 2),
        window=after,
        baseline_window=before,
        message=(
            f"{name}: {fmt.tokens(round(per_after))} tokens per success in {after.label()}, "
            f"{fmt.signed_percent(ratio - 1, '1')} on {fmt.tokens(round(per_before))} in {before.label()} "
            f"(alerts at {fmt.signed_percent(cfg.min_increase, '1')}){changed}"
        ),
        action=cfg.action_for(name),
        details={
            "ratio": ratio,
            "successes_counted": what,
            "tokens_before": tb,
            "successes_before": sb,
            "tokens_after": ta,
            "successes_after": sa,
            "prompt_versions_before": versions_before,
            "prompt_versions_after": versions_after,
        },
    )
