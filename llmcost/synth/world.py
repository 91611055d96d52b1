"""The fixed facts of a generated month: tenants, prompt deploys, the expected economics (from a pilot
sample), and the sizes of the planted anomalies derived from them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from llmcost.synth import catalog as cat
from llmcost.synth.anomalies import (
    BUDGET_HEADROOM,
    BUDGET_TARGET,
    EMBED_SURGE_RATIO,
    Plan,
    nice_up,
)
from llmcost.synth.applog import Names
from llmcost.synth.calendar import DAY_MS, HOUR_MS, day_of, days_in_month, epoch_ms, first_month_start
from llmcost.synth.features import INITIAL_VERSIONS, KIND_INDEX, ORGANIC_MIX, VersionChange
from llmcost.synth.roster import NEW_TENANT, Roster, assign_plans, build_roster
from llmcost.synth.traces import Tenancy, TraceBatch, Versions, build_calls

F64 = npt.NDArray[np.float64]
SERVICE_USERS = ("svc_reindex", "svc_backfill")


@dataclass(frozen=True)
class Economics:
    """Expected values per organic trace, estimated from a pilot sample (never written)."""

    cost_micros: float  # org-weighted
    calls: float
    chat_tokens: float
    tenant_cost_micros: F64
    backfill_cost_micros: float  # per backfill call
    reindex_tokens: float  # per re-index call


@dataclass
class World:
    start: date
    start_ms: int
    end_ms: int
    days: int
    roster: Roster
    tenancy: Tenancy
    names: Names
    versions: Versions
    changes: list[VersionChange]
    plan: Plan
    day_weight: F64  # expected organic traces per day
    economics: Economics
    budget_usd: int
    budget_month_day: int | None  # window day index of the budget month's 1st
    new_tenant: int | None
    service_user: dict[str, int]
    # (traces, calls) written by each plant fitted to the day's actual traffic, once generated.
    fitted: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def tenant_names(self) -> list[str]:
        return self.names.tenants.to_list()


def sample_kinds(
    rng: np.random.Generator, roster: Roster, tenant: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    u = rng.random(len(tenant))
    cum = roster.feature_cum[tenant]
    return np.minimum((u[:, None] >= cum).sum(axis=1), cum.shape[1] - 1).astype(np.int64)


def _tenancy(roster: Roster, extra: int) -> Tenancy:
    pad_b = np.zeros(extra, dtype=bool)
    pad_f = np.ones(extra)
    return Tenancy(
        prefers_openai=np.concatenate([roster.prefers_openai, pad_b]),
        reranks=np.concatenate([roster.reranks, pad_b]),
        context_factor=np.concatenate([roster.context_factor, pad_f]),
        accept_factor=np.concatenate([roster.accept_factor, pad_f]),
    )


def _pilot(
    rng: np.random.Generator, roster: Roster, tenancy: Tenancy, versions: Versions, at_ms: int
) -> Economics:
    n_t = len(roster)
    per = int(max(20, min(300, 40_000 // n_t)))
    tenant = np.repeat(np.arange(n_t, dtype=np.int64), per)
    kind = sample_kinds(rng, roster, tenant)
    zeros = np.zeros(len(tenant), dtype=np.int64)
    calls, _ = build_calls(rng, TraceBatch(zeros + at_ms, tenant, zeros, kind), tenancy, versions)
    t = tenant[calls.trace]
    cost = np.bincount(t, weights=calls.cost, minlength=n_t) / per
    n_calls = np.bincount(t, minlength=n_t) / per
    chat = cat.OPERATION_OF[calls.model] == 0
    chat_tokens = np.bincount(t[chat], weights=(calls.input + calls.output)[chat], minlength=n_t) / per

    def one_kind(name: str) -> tuple[float, float]:
        n = 400
        z = np.zeros(n, dtype=np.int64)
        k = z + KIND_INDEX[name]
        c, _ = build_calls(rng, TraceBatch(z + at_ms, z, z, k), tenancy, versions)
        return float(c.cost.sum() / max(len(c), 1)), float(c.input.sum() / max(len(c), 1))

    w = roster.weight
    return Economics(
        cost_micros=float(w @ cost),
        calls=float(w @ n_calls),
        chat_tokens=float(w @ chat_tokens),
        tenant_cost_micros=cost,
        backfill_cost_micros=one_kind("ticket_backfill")[0],
        reindex_tokens=one_kind("rag_reindex")[1],
    )


def _changes(start_ms: int, days: int, plan: Plan) -> list[VersionChange]:
    def at(day_frac: float, hour: int) -> int:
        return start_ms + round(day_frac * days) * DAY_MS + hour * HOUR_MS

    changes = [
        VersionChange("copilot", at(0.2, 15), "v4", input_factor=1.03),
        VersionChange("ticket_summary", at(0.5, 10), "v8", input_factor=1.02, output_factor=0.98),
        VersionChange("rag_search", at(0.7, 16), "v3", input_factor=0.96, output_factor=1.05),
    ]
    reg = plan.regression
    if reg is not None:
        changes.append(
            VersionChange(
                reg.feature,
                start_ms + reg.day * DAY_MS,
                "v5",
                reg.input_factor,
                reg.output_factor,
                reg.accept_factor,
            )
        )
    else:
        changes.append(VersionChange("copilot", at(0.55, 14), "v5", input_factor=0.97))
    return [c for c in changes if start_ms < c.at_ms < start_ms + days * DAY_MS]


def build_world(
    seed: int, start: date, days: int, requests: int, tenants: int, plan: Plan, day_weights: F64
) -> World:
    start_ms = epoch_ms(start)
    end_ms = start_ms + days * DAY_MS
    roster = build_roster(np.random.default_rng([seed, 1]), tenants, ORGANIC_MIX)
    new_tenant = len(roster) if plan.budget_pace is not None else None
    tenancy = _tenancy(roster, 1 if new_tenant is not None else 0)
    changes = _changes(start_ms, days, plan)
    versions = Versions(INITIAL_VERSIONS, changes)
    econ = _pilot(np.random.default_rng([seed, 2]), roster, tenancy, versions, start_ms)

    # Planted extras are sized relative to the organic volume; solve so the total is ~`requests`.
    w = day_weights / day_weights.sum()
    extra_calls_per_trace = 0.0
    daily_cost = w * econ.cost_micros  # per organic trace in the window
    month_d = plan.budget_pace.month_day if plan.budget_pace else first_month_start(start, days)
    month_len = days_in_month(day_of(start, month_d if month_d is not None else 0))
    normal_month = float(daily_cost.mean() * month_len)  # x organic traces
    if plan.embed_surge is not None:
        extra_calls_per_trace += (
            EMBED_SURGE_RATIO * w[plan.embed_surge.day] * econ.chat_tokens / econ.reindex_tokens
        )
    if plan.budget_pace is not None:
        m = plan.budget_pace.month_day
        first_week = float(daily_cost[m : m + 7].sum())
        backfill = BUDGET_TARGET * BUDGET_HEADROOM * normal_month - first_week
        extra_calls_per_trace += max(backfill, 0.0) / econ.backfill_cost_micros
    traces = requests / (econ.calls + extra_calls_per_trace)

    budget = _budget(traces * normal_month)
    if plan.budget_pace is not None:
        m = plan.budget_pace.month_day
        spend = BUDGET_TARGET * budget * 1e6 - traces * float(daily_cost[m : m + 7].sum())
        per_day = math.ceil(max(spend, 0.0) / econ.backfill_cost_micros / len(plan.budget_pace.days))
        plan.budget_pace = replace(plan.budget_pace, calls_per_day=per_day)

    expected_daily_usd = traces / days * econ.tenant_cost_micros * roster.weight / 1e6
    roster = assign_plans(roster, expected_daily_usd)
    names_list = roster.names + ([NEW_TENANT] if new_tenant is not None else [])
    users = pl.concat([roster.users, pl.Series(list(SERVICE_USERS))])
    service_user = {u: len(roster.users) + i for i, u in enumerate(SERVICE_USERS)}
    return World(
        start=start,
        start_ms=start_ms,
        end_ms=end_ms,
        days=days,
        roster=roster,
        tenancy=tenancy,
        names=Names(pl.Series(names_list), users, pl.Series(versions.labels, dtype=pl.String)),
        versions=versions,
        changes=changes,
        plan=plan,
        day_weight=traces * w,
        economics=econ,
        budget_usd=budget,
        budget_month_day=month_d,
        new_tenant=new_tenant,
        service_user=service_user,
    )


def _budget(normal_month_micros: float) -> int:
    return nice_up(BUDGET_HEADROOM * normal_month_micros / 1e6)
