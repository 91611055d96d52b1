"""Tenants and their users: a skewed (Zipf-like) customer base, as multi-tenant SaaS traffic is."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from llmcost.synth.ids import hex_ids

# Named customers first (they are the biggest); the long tail gets opaque ids as real systems do.
_NAMES = (
    "acme", "beta", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell",
    "cyberdyne", "soylent", "oscorp", "vandelay", "dunder", "piedpiper", "monarch", "nakatomi",
    "virtucon", "aperture", "blackmesa", "gringotts", "prestige", "massive", "bluth", "sterling",
    "krusty", "duff", "octan", "zorg", "tessier", "weyland", "yoyodyne", "contoso", "fabrikam",
    "northwind_traders", "adventureworks", "litware", "proseware", "tailspin",
)  # fmt: skip
NEW_TENANT = "tenant_northwind"  # appears mid-window only when the budget-pace anomaly is planted

PLANS = {"starter": 5.0, "pro": 50.0, "enterprise": None}  # daily USD limit per plan (the article's)


@dataclass(frozen=True)
class Roster:
    names: list[str]
    weight: npt.NDArray[np.float64]  # share of traffic, sums to 1, decreasing (index 0 = tenant_acme)
    plan: list[str]
    prefers_openai: npt.NDArray[np.bool_]  # the tenant's model routing: OpenAI instead of Anthropic
    reranks: npt.NDArray[np.bool_]  # rag_search reranks retrieved chunks
    context_factor: npt.NDArray[np.float64]  # copilot context size relative to the median tenant
    accept_factor: npt.NDArray[np.float64]  # how often this tenant's agents accept a draft
    feature_cum: npt.NDArray[np.float64]  # (tenants, features) cumulative feature mix per tenant
    user_offset: npt.NDArray[np.int64]  # first index of the tenant's users in `users`
    user_count: npt.NDArray[np.int64]
    users: pl.Series  # hashed-looking user ids of every tenant, concatenated

    def __len__(self) -> int:
        return len(self.names)


def tenant_names(rng: np.random.Generator, n: int) -> list[str]:
    names = [f"tenant_{s}" for s in _NAMES[:n]]
    if n > len(names):
        ids = hex_ids(rng, n - len(names), nbytes=3).to_list()
        names += [f"tenant_{h}" for h in ids]
    # Random hex ids may collide in a large roster; keep names unique and deterministic.
    seen: set[str] = set()
    for i, name in enumerate(names):
        while names[i] in seen:
            names[i] = f"{name}{i}"
        seen.add(names[i])
    return names


def zipf_weights(rng: np.random.Generator, n: int, s: float = 1.0) -> npt.NDArray[np.float64]:
    w = 1.0 / np.arange(1, n + 1) ** s
    w = w * rng.lognormal(0.0, 0.25, n)
    w = np.sort(w)[::-1]
    return np.asarray(w / w.sum(), dtype=np.float64)


def build_roster(
    rng: np.random.Generator,
    n: int,
    feature_mix: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64] | None = None,
) -> Roster:
    names = tenant_names(rng, n)
    weight = zipf_weights(rng, n) if weights is None else weights
    prefers_openai = rng.random(n) < 0.3
    prefers_openai[:2] = False  # acme and beta route to Anthropic, as in the article
    reranks = rng.random(n) < 0.12
    reranks[0] = False
    context = rng.lognormal(0.0, 0.12, n)
    if n > 1:
        context[1] = 2.2  # beta: "retrieval returns forty chunks nobody trimmed"
    accept = np.clip(rng.lognormal(0.0, 0.1, n), 0.75, 1.3)
    mix = rng.dirichlet(feature_mix * 40.0, size=n)
    feature_cum = np.cumsum(mix, axis=1)
    feature_cum[:, -1] = 1.0
    count = np.maximum(2, np.round(3 + 2500 * weight**0.9)).astype(np.int64)
    offset = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    users = "u_" + hex_ids(rng, int(count.sum()), nbytes=6)
    return Roster(
        names=names,
        weight=weight,
        plan=["starter"] * n,  # assigned once the expected spend is known (assign_plans)
        prefers_openai=prefers_openai,
        reranks=reranks,
        context_factor=context,
        accept_factor=accept,
        feature_cum=feature_cum,
        user_offset=offset,
        user_count=count,
        users=users,
    )


def assign_plans(roster: Roster, daily_usd: npt.NDArray[np.float64]) -> Roster:
    """Plan tiers from each tenant's expected daily spend, with headroom under the plan's daily
    limit, so that quiet data never trips a tenant-budget alert; the top three are enterprise."""
    plans = []
    for rank, usd in enumerate(daily_usd):
        if rank < 3 or usd > 18.0:
            plans.append("enterprise")
        elif usd > 1.2:
            plans.append("pro")
        else:
            plans.append("starter")
    return Roster(**{**roster.__dict__, "plan": plans})


def sample_users(
    roster: Roster, rng: np.random.Generator, tenant: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """A user of each trace's tenant; a few power users do most of the work (u**2 skew)."""
    u = rng.random(len(tenant)) ** 2
    return roster.user_offset[tenant] + (u * roster.user_count[tenant]).astype(np.int64)
