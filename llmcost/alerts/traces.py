"""The trace-scale rules, over ANY time span: runaway-trace, retry-storm, session-budget.

A loop that burns $500 between 14:00 and 14:20 should be caught at 14:21, not the next morning, so
these rules take a half-open span [since, until) of instants rather than a day:

    from llmcost.alerts.traces import evaluate_span
    results = evaluate_span(con, settings, since, until, cost_mode="derived")
    alerts = [a for r in results for a in r.alerts]

`llmcost watch` calls `evaluate_span` after each ingest pass with the span of timestamps that pass
loaded (a backfill is checked too); `llmcost alerts --at DAY` runs the same functions over the
closed UTC day through the rule registry (llmcost/alerts/rules/runaway_trace.py, retry_storm.py,
session_budget.py). Each function reads only the requests it needs (the span, plus the runaway
rule's baseline days before it and the session rule's lookback), so a short span is cheap.

- runaway-trace: a trace whose calls or cost exceed `factor` x the p99 of its feature's traces in
  the `baseline_days` before the span (floors: min_calls, min_usd; a feature needs
  min_baseline_traces traces for a p99), or that made more than `burst_calls` calls within
  `burst_minutes`. Names the trace, its session, tenant, feature, calls, cost and time span.
- retry-storm: at least `min_failures` failed calls (outcomes: rate_limited, timeout, error) of
  one tenant and feature within `within_minutes`, or `min_trace_failures` of one trace (a trace
  storm is named only when its tenant and feature did not storm). Names tenant, feature, the
  failures and the spend burnt on them, and what the tenant+feature spent in the storm's minutes.
- session-budget: a session over `max_tokens` tokens or `max_usd` dollars, counting its calls
  from `lookback_hours` before the span; off until a budget is set.

Alerts keep the nightly rules' shape (llmcost.alerts.model.Alert): `window` is the whole UTC days the
span touches; the exact instants are in `details` (first, last, burst_start, storm_start, ...).
Message texts are written with llmcost.numbers, as every rule's are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost import numbers as fmt
from llmcost.alerts.config import RetryStormConfig, RunawayTraceConfig, SessionBudgetConfig, Settings
from llmcost.alerts.facts import cost_expression
from llmcost.alerts.model import Alert, Number, Rule, RuleResult, Span, Status
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.alerts")
NOT_LOGGED = "(not logged)"
US_PER_MINUTE = 60_000_000


def days_of(since: datetime, until: datetime) -> Span:
    """The whole UTC days [since, until) touches."""
    last = (until - timedelta(microseconds=1)).astimezone(UTC).date()
    return Span(since.astimezone(UTC).date(), max(last, since.astimezone(UTC).date()) + timedelta(days=1))


def _label(v: str | None) -> str:
    return v if v is not None else NOT_LOGGED


def _at(t: datetime) -> str:
    return fmt.instant(t)


def _minutes(m: float) -> str:
    return f"{m:g} minute{'s' if m != 1 else ''}"


# -- runaway-trace ---------------------------------------------------------------------------------


def runaway_trace(
    con: duckdb.DuckDBPyConnection, cfg: RunawayTraceConfig, since: datetime, until: datetime, cost: str
) -> RuleResult:
    """runaway-trace over [since, until); `cost` is the SQL cost expression (facts.cost_expression)."""
    rule = Rule.RUNAWAY_TRACE
    result = RuleResult(rule, Status.OK)
    base_since = since - timedelta(days=cfg.baseline_days)
    params = {
        "since": since,
        "until": until,
        "base_since": base_since,
        "factor": cfg.factor,
        "min_traces": cfg.min_baseline_traces,
        "min_calls": cfg.min_calls,
        "min_cost": cfg.min_usd,
        "burst_calls": cfg.burst_calls,
        "burst_us": int(cfg.burst_minutes * US_PER_MINUTE),
        "limit": cfg.max_alerts + 1,
    }
    # a day without a trace past the floors (most days) needs no baseline: one cheap read says so
    ((candidates,),) = SQL.run(con, "runaway_candidates", params, cost=cost)
    rows = SQL.run(con, "runaway_traces", params, cost=cost) if candidates else []
    window, base_window = days_of(since, until), days_of(base_since, since)
    result.checked = 1
    for row in rows[: cfg.max_alerts]:
        (trace, session, tenant, feature, calls, tokens, spent, first, last, traces, p99_calls, p99_cost) = (
            row[:12]
        )
        burst_calls, burst_start = row[12], row[13]
        calls, tokens = int(calls), int(tokens or 0)
        minutes = (last - first).total_seconds() / 60
        who = f"trace {trace} ({_label(tenant)}/{_label(feature)}"
        who += f", session {session})" if session else ")"
        over_calls = (
            p99_calls is not None and calls >= cfg.min_calls and calls > cfg.factor * float(p99_calls)
        )
        over_cost = (
            p99_cost is not None
            and spent is not None
            and spent >= cfg.min_usd
            and float(spent) > cfg.factor * float(p99_cost)
        )
        spent_text = fmt.usd_or(spent)
        span_text = f"{_at(first)}..{_at(last)} ({fmt.decimal(minutes, '0.1')} min)"
        if over_cost:
            assert spent is not None and p99_cost is not None
            metric, unit, observed = "trace cost", "usd", spent
            threshold: Any = Decimal(str(cfg.factor)) * p99_cost
            baseline: Any = p99_cost
            why = f"cost {spent_text} > {fmt.times(cfg.factor)} its feature's p99 trace ({fmt.usd(p99_cost)})"
        elif over_calls:
            metric, unit, observed = "trace calls", "calls", calls
            threshold, baseline = cfg.factor * float(p99_calls), int(p99_calls)
            why = f"{calls:,} calls > {fmt.times(cfg.factor)} its feature's p99 trace ({int(p99_calls):,} calls)"
        else:
            metric, unit, observed = "calls in a burst", "calls", int(burst_calls)
            threshold, baseline = cfg.burst_calls, None
            why = (
                f"{int(burst_calls):,} calls within {_minutes(cfg.burst_minutes)} from {_at(burst_start)} "
                f"(alerts above {cfg.burst_calls:,})"
            )
        result.alerts.append(
            Alert(
                rule=rule,
                severity=cfg.severity,
                subject_kind="trace",
                subject=str(trace),
                metric=metric,
                unit=unit,
                observed=observed,
                threshold=threshold,
                baseline=baseline,
                window=window,
                baseline_window=base_window if baseline is not None else None,
                message=f"runaway {who}: {why}; {calls:,} calls, {spent_text}, {span_text}",
                action=cfg.action_for(str(trace)),
                details={
                    "trace_id": trace,
                    "session_id": session,
                    "tenant": tenant,
                    "feature": feature,
                    "calls": calls,
                    "tokens": tokens,
                    "cost_usd": spent,
                    "first": first,
                    "last": last,
                    "feature_p99_calls": None if p99_calls is None else int(p99_calls),
                    "feature_p99_cost_usd": p99_cost,
                    "feature_baseline_traces": None if traces is None else int(traces),
                    "burst_calls": None if burst_calls is None else int(burst_calls),
                    "burst_start": burst_start,
                    "burst_minutes": cfg.burst_minutes,
                },
            )
        )
    if len(rows) > cfg.max_alerts:
        result.notes.append(
            f"more than {cfg.max_alerts} runaway traces: the costliest {cfg.max_alerts} are named"
        )
    if result.alerts:
        result.status = Status.FIRED
    return result


# -- retry-storm -----------------------------------------------------------------------------------


def retry_storm(
    con: duckdb.DuckDBPyConnection, cfg: RetryStormConfig, since: datetime, until: datetime, cost: str
) -> RuleResult:
    """retry-storm over [since, until)."""
    rule = Rule.RETRY_STORM
    result = RuleResult(rule, Status.OK)
    window = days_of(since, until)
    base = {
        "since": since,
        "until": until,
        "outcomes": list(cfg.outcomes),
        "window_us": int(cfg.within_minutes * US_PER_MINUTE),
        "limit": cfg.max_alerts + 1,
    }
    params = {**base, "min_failures": cfg.min_failures, "min_trace_failures": cfg.min_trace_failures}
    rows = SQL.run(con, "retry_storms", params, cost=cost)  # per tenant+feature first, then per trace
    groups = [r[1:] for r in rows if not r[0]]
    traces = [r[1:] for r in rows if r[0]]
    result.checked = 1
    stormed = {(r[0], r[1]) for r in groups}
    kinds = "/".join(cfg.outcomes)
    found = [(r, False) for r in groups] + [(r, True) for r in traces if (r[0], r[1]) not in stormed]
    for row, by_trace in found[: cfg.max_alerts]:
        tenant, feature, trace, n, start, end, storm_cost, failures, failures_cost, first, last = row
        n, failures = int(n), int(failures)
        threshold = cfg.min_trace_failures if by_trace else cfg.min_failures
        ((calls, spent),) = SQL.run(
            con,
            "storm_spend",
            {"since": start, "until": end, "tenant": tenant, "feature": feature},
            cost=cost,
        )
        burnt = storm_cost or Decimal(0)
        subject = str(trace) if by_trace else f"{_label(tenant)}/{_label(feature)}"
        where = f"trace {trace} ({_label(tenant)}/{_label(feature)})" if by_trace else subject
        result.alerts.append(
            Alert(
                rule=rule,
                severity=cfg.severity,
                subject_kind="trace" if by_trace else "tenant+feature",
                subject=subject,
                metric=f"{kinds} calls within {_minutes(cfg.within_minutes)}",
                unit="calls",
                observed=n,
                threshold=threshold,
                baseline=None,
                window=window,
                baseline_window=None,
                message=(
                    f"retry storm at {where}: {n:,} failed calls ({kinds}) within "
                    f"{_minutes(cfg.within_minutes)} from {_at(start)} (alerts at {threshold:,}); "
                    f"{fmt.usd(burnt)} burnt on them, {fmt.usd_or(spent)} spent by {_label(tenant)}/"
                    f"{_label(feature)} in those minutes; {failures:,} failures in the span"
                ),
                action=cfg.action_for(subject),
                details={
                    "tenant": tenant,
                    "feature": feature,
                    "trace_id": trace,
                    "failures_in_window": n,
                    "window_start": start,
                    "window_end": end,
                    "burnt_usd": burnt,
                    "window_calls": int(calls),
                    "window_spend_usd": spent,
                    "failures": failures,
                    "failures_cost_usd": failures_cost,
                    "first": first,
                    "last": last,
                },
            )
        )
    if len(found) > cfg.max_alerts:
        result.notes.append(
            f"more than {cfg.max_alerts} retry storms: the largest {cfg.max_alerts} are named"
        )
    if result.alerts:
        result.status = Status.FIRED
    return result


# -- session-budget --------------------------------------------------------------------------------


def session_budget(
    con: duckdb.DuckDBPyConnection, cfg: SessionBudgetConfig, since: datetime, until: datetime, cost: str
) -> RuleResult:
    """session-budget over [since, until): sessions active in the span, counted from lookback_hours before it."""
    rule = Rule.SESSION_BUDGET
    result = RuleResult(rule, Status.OK)
    if cfg.max_tokens is None and cfg.max_usd is None:
        result.status = Status.SKIPPED
        result.notes.append("not evaluated: set [alerts.session_budget] max_tokens or max_usd")
        return result
    lookback = since - timedelta(hours=cfg.lookback_hours)
    params = {
        "since": since,
        "until": until,
        "lookback": lookback,
        "max_tokens": cfg.max_tokens,
        "max_usd": cfg.max_usd,
        "limit": cfg.max_alerts + 1,
    }
    rows = SQL.run(con, "session_budgets", params, cost=cost)
    result.checked = 1
    window = days_of(lookback, until)
    for session, tenant, feature, calls, traces, tokens, spent, first, last in rows[: cfg.max_alerts]:
        tokens = int(tokens or 0)
        observed: Number
        threshold: Number
        over_usd = cfg.max_usd is not None and spent is not None and spent > cfg.max_usd
        if over_usd:
            assert cfg.max_usd is not None and spent is not None
            metric, unit, observed, threshold = "session cost", "usd", spent, cfg.max_usd
            why = f"{fmt.usd(spent)} > its {fmt.usd(cfg.max_usd)} budget"
        else:
            assert cfg.max_tokens is not None
            metric, unit, observed, threshold = "session tokens", "tokens", tokens, cfg.max_tokens
            why = f"{fmt.tokens(tokens)} tokens > its {fmt.tokens(cfg.max_tokens)}-token budget"
        result.alerts.append(
            Alert(
                rule=rule,
                severity=cfg.severity,
                subject_kind="session",
                subject=str(session),
                metric=metric,
                unit=unit,
                observed=observed,
                threshold=threshold,
                baseline=None,
                window=window,
                baseline_window=None,
                message=(
                    f"session {session} ({_label(tenant)}/{_label(feature)}) over budget: {why}; "
                    f"{int(calls):,} calls in {int(traces):,} trace(s), {fmt.tokens(tokens)} tokens, "
                    f"{fmt.usd_or(spent)}, {_at(first)}..{_at(last)}"
                ),
                action=cfg.action_for(str(session)),
                details={
                    "session_id": session,
                    "tenant": tenant,
                    "feature": feature,
                    "calls": int(calls),
                    "traces": int(traces),
                    "tokens": tokens,
                    "cost_usd": spent,
                    "first": first,
                    "last": last,
                },
            )
        )
    if len(rows) > cfg.max_alerts:
        result.notes.append(
            f"more than {cfg.max_alerts} sessions over budget: the costliest {cfg.max_alerts} are named"
        )
    if result.alerts:
        result.status = Status.FIRED
    return result


# -- any span --------------------------------------------------------------------------------------

SpanRule = Callable[["duckdb.DuckDBPyConnection", Any, datetime, datetime, str], RuleResult]

SPAN_RULES: dict[Rule, SpanRule] = {
    Rule.RUNAWAY_TRACE: runaway_trace,
    Rule.RETRY_STORM: retry_storm,
    Rule.SESSION_BUDGET: session_budget,
}


def evaluate_span(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    since: datetime,
    until: datetime,
    *,
    cost_mode: str = "derived",
    rules: Iterable[Rule] | None = None,
) -> list[RuleResult]:
    """The trace-scale rules (all three, or those of `rules` among them) over [since, until), in
    Rule order; a rule disabled in its [alerts.*] table is reported as such. `since` and `until`
    are aware datetimes; `con` is a warehouse connection (a reader's is enough)."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("since and until must be aware datetimes")
    if until <= since:
        raise ValueError("until must be after since")
    wanted = set(rules) if rules is not None else set(SPAN_RULES)
    cost = cost_expression(cost_mode)
    out = []
    for rule, check in SPAN_RULES.items():
        if rule not in wanted:
            continue
        cfg = getattr(settings.alerts, rule.config_key)
        if not cfg.enabled:
            out.append(RuleResult(rule, Status.DISABLED, notes=[f"disabled in [alerts.{rule.config_key}]"]))
            continue
        out.append(check(con, cfg, since, until, cost))
    return out
