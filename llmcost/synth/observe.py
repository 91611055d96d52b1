"""The planted anomalies as they came out in the data (not as intended): the numbers a detector will
see, written to the manifest so tests can check detectors against the truth."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from llmcost.synth.anomalies import BUDGET_THRESHOLD, SPIKE_FACTOR, Plan
from llmcost.synth.calendar import DAY_MS, day_of, days_in_month
from llmcost.synth.features import INITIAL_VERSIONS
from llmcost.synth.truth import money, tenant_daily_cost
from llmcost.synth.world import World


def _date(world: World, day: int) -> str:
    return day_of(world.start, day).isoformat()


def _version_at(world: World, feature: str, day: int) -> str:
    """The feature's prompt version at the end of `day`."""
    at = world.start_ms + (day + 1) * DAY_MS - 1
    label = INITIAL_VERSIONS[feature]
    for c in sorted(world.changes, key=lambda c: c.at_ms):
        if c.feature == feature and c.at_ms <= at:
            label = c.label
    return label


def _window(calls: pl.DataFrame, lo: int, hi: int) -> pl.DataFrame:
    return calls.filter((pl.col("day") >= lo) & (pl.col("day") < hi))


def spike(world: World, calls: pl.DataFrame) -> dict[str, Any] | None:
    sp = world.plan.spike
    if sp is None:
        return None
    cost = tenant_daily_cost(calls, world.days, len(world.tenant_names))[sp.tenant]
    base = float(cost[sp.day - 7 : sp.day].mean())
    return {
        "kind": "spike",
        "tenant_id": world.tenant_names[sp.tenant],
        "date": _date(world, sp.day),
        "day": sp.day,
        "factor_target": SPIKE_FACTOR,
        "extra_traces": world.fitted.get("spike", (0, 0))[0],
        "day_cost_usd": money(int(cost[sp.day])),
        "trailing_7d_avg_usd": money(round(base)),
        "observed_ratio": round(float(cost[sp.day]) / base, 4) if base else None,
    }


def regression(world: World, calls: pl.DataFrame, events: pl.DataFrame) -> dict[str, Any] | None:
    rg = world.plan.regression
    if rg is None:
        return None

    def per_success(lo: int, hi: int) -> tuple[int, int]:
        tokens = _window(calls, lo, hi).filter(pl.col("feature") == rg.feature)["tokens"].sum()
        succ = _window(events, lo, hi).filter(pl.col("feature") == rg.feature)["events"].sum()
        return int(tokens), int(succ)

    tb, sb = per_success(rg.day - 7, rg.day)
    ta, sa = per_success(rg.day, rg.day + 7)
    before, after = tb / max(sb, 1), ta / max(sa, 1)
    return {
        "kind": "regression",
        "feature": rg.feature,
        "date": _date(world, rg.day),
        "day": rg.day,
        "prompt_version_before": _version_at(world, rg.feature, rg.day - 1),
        "prompt_version_after": _version_at(world, rg.feature, rg.day),
        "window_before": [_date(world, rg.day - 7), _date(world, rg.day)],
        "window_after": [_date(world, rg.day), _date(world, rg.day + 7)],
        "tokens_before": tb,
        "successes_before": sb,
        "tokens_after": ta,
        "successes_after": sa,
        "tokens_per_success_before": round(before, 2),
        "tokens_per_success_after": round(after, 2),
        "observed_ratio": round(after / before, 4) if before else None,
    }


def embed_surge(world: World, daily: list[dict[str, Any]]) -> dict[str, Any] | None:
    es = world.plan.embed_surge
    if es is None:
        return None
    d = daily[es.day]
    return {
        "kind": "embed-surge",
        "date": _date(world, es.day),
        "day": es.day,
        "feature": "rag_index",
        "calls": world.fitted.get("embed-surge", (0, 0))[1],
        "embedding_tokens": d["embedding_tokens"],
        "chat_tokens": d["chat_tokens"],
        "chat_output_tokens": d["chat_output_tokens"],
        "observed_ratio": round(d["embedding_tokens"] / max(d["chat_tokens"], 1), 4),
    }


def error_burn(world: World, daily: list[dict[str, Any]]) -> dict[str, Any] | None:
    eb = world.plan.error_burn
    if eb is None:
        return None
    d = daily[eb.day]
    trailing = [x["tokens"] for x in daily[max(0, eb.day - 7) : eb.day]]
    return {
        "kind": "error-burn",
        "date": _date(world, eb.day),
        "day": eb.day,
        "provider": eb.provider,
        "requests": d["requests"],
        "error_timeout_rate": round((d["error"] + d["timeout"]) / max(d["requests"], 1), 4),
        "failure_rate": round((d["error"] + d["timeout"] + d["rate_limited"]) / max(d["requests"], 1), 4),
        "tokens": d["tokens"],
        "previous_day_tokens": daily[eb.day - 1]["tokens"],
        "trailing_7d_avg_tokens": round(float(np.mean(trailing)), 1) if trailing else None,
    }


def budget(world: World, daily: list[dict[str, Any]]) -> dict[str, Any]:
    """Org month-to-date spend through the first week of the budget month, against the budget."""
    m = world.budget_month_day
    out: dict[str, Any] = {"org_monthly_usd": world.budget_usd, "threshold": BUDGET_THRESHOLD}
    if m is None:
        return {**out, "month": None, "fires": False, "note": "the window holds no month's first week"}
    month = day_of(world.start, m)
    mtd, total = [], 0
    for d in range(m, min(m + 7, world.days)):
        total += int(Decimal(daily[d]["cost_usd"]).scaleb(6))
        mtd.append(money(total))
    share = total / 1e6 / world.budget_usd if world.budget_usd else 0.0
    fires_on = next(
        (_date(world, m + i) for i, v in enumerate(mtd) if float(v) >= BUDGET_THRESHOLD * world.budget_usd),
        None,
    )
    return {
        **out,
        "month": month.strftime("%Y-%m"),
        "days_in_month": days_in_month(month),
        "month_to_date_usd": mtd,
        "first_week_spend_usd": mtd[-1] if mtd else money(0),
        "first_week_share": round(share, 4),
        "fires": fires_on is not None,
        "fires_on": fires_on,
    }


def budget_pace(world: World, budget_info: dict[str, Any]) -> dict[str, Any] | None:
    bp = world.plan.budget_pace
    if bp is None or world.new_tenant is None:
        return None
    return {
        "kind": "budget-pace",
        "month": budget_info["month"],
        "budget_usd": world.budget_usd,
        "first_week_spend_usd": budget_info["first_week_spend_usd"],
        "observed_share": budget_info["first_week_share"],
        "fires_on": budget_info["fires_on"],
        "cause": {
            "tenant_id": world.tenant_names[world.new_tenant],
            "feature": "ticket_backfill",
            "dates": [_date(world, d) for d in bp.days],
            "calls_per_day": bp.calls_per_day,
            "note": "a tenant onboarded on the 1st with a backfill job; it has no earlier history",
        },
    }


def spike_noise(world: World, calls: pl.DataFrame) -> dict[str, Any]:
    """The smallest tenant-spike floor that keeps every tenant-day other than the planted spike quiet,
    under the reference rule: day cost > 2 x the mean of the 7 calendar days before (zeros included),
    for a tenant first seen at least 7 days earlier. Small tenants' days are noisy; a detector needs a
    floor above this value (and below the planted spike's day cost) to be exact."""
    cost = tenant_daily_cost(calls, world.days, len(world.tenant_names))
    sp = world.plan.spike
    worst = 0
    for t in range(cost.shape[0]):
        active = np.flatnonzero(cost[t])
        if not len(active):
            continue
        for d in range(max(7, int(active[0]) + 7), world.days):
            base = cost[t, d - 7 : d].mean()
            if sp is not None and (t, d) == (sp.tenant, sp.day):
                continue
            if base > 0 and cost[t, d] > 2 * base:
                worst = max(worst, int(cost[t, d]))
    return {
        "rule": "day cost > 2 x trailing 7-calendar-day mean, 7 days of history",
        "quiet_above_floor_usd": money(worst),
    }


RULES = {
    "spike": "observed_ratio > 2 (a detector also needs day_cost_usd above its floor)",
    "regression": "observed_ratio >= 1.4",
    "embed-surge": "embedding_tokens > chat_tokens",
    "error-burn": "error_timeout_rate > 0.05 and tokens > previous_day_tokens",
    "budget-pace": "observed_share >= 0.8",
}


def _meets_rule(a: dict[str, Any]) -> bool:
    """Whether the plant came out big enough for the default rule (tiny data sets may not be)."""
    kind = a["kind"]
    if kind == "spike":
        return bool(a["observed_ratio"] and a["observed_ratio"] > 2)
    if kind == "regression":
        return bool(a["observed_ratio"] and a["observed_ratio"] >= 1.4)
    if kind == "embed-surge":
        return bool(a["embedding_tokens"] > a["chat_tokens"])
    if kind == "error-burn":
        return bool(a["error_timeout_rate"] > 0.05 and a["tokens"] > a["previous_day_tokens"])
    return bool(a["observed_share"] >= BUDGET_THRESHOLD)


def planted(
    world: World, calls: pl.DataFrame, events: pl.DataFrame, daily: list[dict[str, Any]]
) -> dict[str, Any]:
    plan: Plan = world.plan
    b = budget(world, daily)
    items = [
        spike(world, calls),
        regression(world, calls, events),
        embed_surge(world, daily),
        error_burn(world, daily),
        budget_pace(world, b),
    ]
    planted_items = [x for x in items if x is not None]
    for x in planted_items:
        x["meets_rule"] = _meets_rule(x)
    return {
        "requested": list(plan.requested),
        "planted": planted_items,
        "skipped": plan.skipped,
        "rules": RULES,
        "spike_noise": spike_noise(world, calls),
        "budget": b,
    }
