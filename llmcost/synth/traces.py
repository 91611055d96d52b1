"""Expand a batch of traces (workflow runs) into the model calls the middleware logs, vectorised:
plan each trace's steps, route each step to a model, retry failed attempts, then lay the calls out
in time. Nothing here loops over rows; loops run over the handful of roles and attempts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from llmcost.synth import catalog as cat
from llmcost.synth.features import (
    FAILURE,
    KINDS,
    MAX_STEPS,
    NO_ROLE,
    RERANK_STEP,
    ROLES,
    VersionChange,
    step_tables,
)

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

SUCCESS, TIMEOUT, RATE_LIMITED, ERROR = 0, 1, 2, 3
OUTCOMES = ("success", "timeout", "rate_limited", "error")
MAX_ATTEMPTS = 4
CHAT_TIMEOUT_MS = 30_000
EMBED_TIMEOUT_MS = 10_000

_ROLE_IDS, _ROLE_PROBS = step_tables()
_KIND_CACHE_HIT = np.array([k.cache_hit for k in KINDS])
_KIND_CACHE_STEP = np.array([k.cache_step for k in KINDS])
_ROLE_MAX_ATTEMPTS = np.array([r.max_attempts for r in ROLES])


@dataclass(frozen=True)
class TraceBatch:
    start_ms: I64
    tenant: I64
    user: I64
    kind: I64

    def __len__(self) -> int:
        return len(self.start_ms)


@dataclass(frozen=True)
class Tenancy:
    """Per-tenant traits the calls depend on (the roster plus any tenant that joins mid-window)."""

    prefers_openai: B
    reranks: B
    context_factor: F64
    accept_factor: F64


@dataclass(frozen=True)
class Failures:
    """An incident: one provider's calls fail more, and the app retries harder, for traces that
    start in [from_ms, to_ms)."""

    provider: str
    from_ms: int
    to_ms: int
    probs: tuple[float, float, float]
    max_attempts: int


@dataclass(frozen=True)
class Calls:
    trace: I64
    ts_ms: I64
    model: I64
    input: I64
    cached: I64
    cache_write: I64
    output: I64
    reasoning: I64
    latency: I64
    outcome: I64
    cache_hit: B
    cost: I64  # micro-USD
    version: I64  # index into Versions.labels, -1 for calls without a prompt (embeddings, rerank)
    attempt: I64

    def __len__(self) -> int:
        return len(self.trace)


@dataclass(frozen=True)
class Traces:
    """What each trace came to: whether every step succeeded, its last call, how likely its user
    is to accept the result (the prompt version matters)."""

    ok: B
    last_call: I64  # index into Calls, -1 when the trace made no call
    end_ms: I64
    accept: F64


class Versions:
    """Prompt versions by feature and time, from a list of deploys."""

    def __init__(self, initial: dict[str, str], changes: list[VersionChange]) -> None:
        self.labels: list[str] = []
        self._by_feature: dict[str, tuple[I64, I64, F64, F64, F64]] = {}
        for feature, label in initial.items():
            rows = [(-(2**62), label, 1.0, 1.0, 1.0)]
            rows += [
                (c.at_ms, c.label, c.input_factor, c.output_factor, c.accept_factor)
                for c in sorted(changes, key=lambda c: c.at_ms)
                if c.feature == feature
            ]
            self._by_feature[feature] = (
                np.array([r[0] for r in rows], dtype=np.int64),
                np.array([self._label(r[1]) for r in rows], dtype=np.int64),
                np.array([r[2] for r in rows]),
                np.array([r[3] for r in rows]),
                np.array([r[4] for r in rows]),
            )

    def _label(self, label: str) -> int:
        if label not in self.labels:
            self.labels.append(label)
        return self.labels.index(label)

    def lookup(self, kind: I64, start_ms: I64) -> tuple[I64, F64, F64, F64]:
        n = len(kind)
        label = np.full(n, -1, dtype=np.int64)
        fin, fout, facc = np.ones(n), np.ones(n), np.ones(n)
        for k, spec in enumerate(KINDS):
            sel = np.flatnonzero(kind == k)
            if not len(sel) or spec.feature not in self._by_feature:
                continue
            at, lab, i_f, o_f, a_f = self._by_feature[spec.feature]
            j = np.searchsorted(at, start_ms[sel], side="right") - 1
            label[sel], fin[sel], fout[sel], facc[sel] = lab[j], i_f[j], o_f[j], a_f[j]
        return label, fin, fout, facc


def _lognormal(rng: np.random.Generator, median: F64 | float, sigma: F64 | float, n: int) -> F64:
    return np.asarray(np.exp(np.log(median) + sigma * rng.standard_normal(n)), dtype=np.float64)


def _route(rng: np.random.Generator, roles: I64, openai: B, tenant: I64) -> I64:
    """The model of every (trace, step): the role's route for the tenant's provider preference."""
    model = np.full(roles.shape, -1, dtype=np.int64)
    u = rng.random(roles.shape)
    u_self = rng.random(roles.shape)
    for r, role in enumerate(ROLES):
        for route, mask in ((role.anthropic_route, ~openai), (role.openai_route, openai)):
            sel = (roles == r) & mask
            if not sel.any():
                continue
            names = [m for m, _ in route]
            cum = np.cumsum([p for _, p in route])
            pick = np.minimum(np.searchsorted(cum, u[sel] * cum[-1], side="right"), len(names) - 1)
            model[sel] = np.array([cat.idx(m) for m in names])[pick]
        if role.self_hosted_share:
            sel = (roles == r) & (tenant == 0) & (u_self < role.self_hosted_share)
            model[sel] = cat.idx("acme-llama-3-70b-ft")
    return model


def build_calls(
    rng: np.random.Generator,
    batch: TraceBatch,
    tenancy: Tenancy,
    versions: Versions,
    incidents: tuple[Failures, ...] = (),
) -> tuple[Calls, Traces]:
    t_n, s_n = len(batch), MAX_STEPS
    kind, tenant = batch.kind, batch.tenant
    roles = _ROLE_IDS[kind].astype(np.int64)  # (T, S)
    probs = _ROLE_PROBS[kind].copy()
    rk, rs = RERANK_STEP
    probs[kind == rk, rs] = np.where(tenancy.reranks[tenant[kind == rk]], 1.0, 0.0)
    planned = (roles != NO_ROLE) & (rng.random((t_n, s_n)) < probs)
    for s in range(1, s_n):  # an optional step follows only an optional step that happened
        chained = (probs[:, s] < 1) & (probs[:, s - 1] < 1)
        planned[:, s] &= ~chained | planned[:, s - 1]
    hit = rng.random(t_n) < _KIND_CACHE_HIT[kind]
    if hit.any():
        planned[hit] = False
        planned[np.flatnonzero(hit), _KIND_CACHE_STEP[kind[hit]]] = True

    openai = np.broadcast_to(tenancy.prefers_openai[tenant][:, None], (t_n, s_n))
    model = _route(rng, roles, openai, np.broadcast_to(tenant[:, None], (t_n, s_n)))
    model[~planned] = 0
    op = cat.OPERATION_OF[model].astype(np.int64)
    is_chat = (op == 0) & planned

    label, fin, fout, facc = versions.lookup(kind, batch.start_ms)
    role_safe = np.where(roles < 0, 0, roles)
    in_med = np.array([r.input_median for r in ROLES])[role_safe]
    in_sig = np.array([r.input_sigma for r in ROLES])[role_safe]
    ctx = np.where(
        np.array([r.scales_with_context for r in ROLES])[role_safe],
        tenancy.context_factor[tenant][:, None],
        1.0,
    )
    scale = ctx * np.where(is_chat, fin[:, None], 1.0)
    max_in = np.array([r.max_input for r in ROLES])[role_safe]
    step_input = np.clip(
        _lognormal(rng, in_med.ravel(), in_sig.ravel(), t_n * s_n).reshape(t_n, s_n) * scale, 1, max_in
    )
    step_input = step_input.astype(np.int64)

    # Attempts: the first success within the role's retry budget, else the step (and trace) fails.
    fail_p = np.zeros((t_n, s_n, 3))
    for o, name in enumerate(cat.OPERATIONS):
        fail_p[op == o] = FAILURE[name]
    max_att = _ROLE_MAX_ATTEMPTS[role_safe].copy()
    for inc in incidents:
        prov = cat.PROVIDERS.index(inc.provider)
        sel = (
            (cat.PROVIDER_OF[model] == prov)
            & ((batch.start_ms >= inc.from_ms) & (batch.start_ms < inc.to_ms))[:, None]
            & planned
        )
        fail_p[sel] = inc.probs
        max_att[sel] = np.maximum(max_att[sel], inc.max_attempts)
    fail_p[hit] = 0.0  # a response-cache hit never reaches a provider
    step_ok, attempts = _attempts(rng, fail_p, max_att, planned)
    alive = np.ones((t_n, s_n), dtype=bool)  # a failed step ends the workflow
    alive[:, 1:] = np.cumprod(step_ok[:, :-1], axis=1).astype(bool)
    executed = planned & alive

    # One row per call.
    counts = np.where(executed, attempts, 0).ravel()
    n = int(counts.sum())
    step_id = np.repeat(np.arange(t_n * s_n), counts)
    first_of_step = np.cumsum(counts) - counts
    attempt = np.arange(n) - first_of_step[step_id]
    trace = step_id // s_n
    last = attempt == attempts.ravel()[step_id] - 1
    success = last & step_ok.ravel()[step_id]
    fp = fail_p.reshape(-1, 3)[step_id]
    u = rng.random(n) * fp.sum(axis=1)
    failure = np.where(u < fp[:, 0], TIMEOUT, np.where(u < fp[:, 0] + fp[:, 1], RATE_LIMITED, ERROR))
    outcome = np.where(success, SUCCESS, failure).astype(np.int64)
    cmodel = model.ravel()[step_id]
    crole = role_safe.ravel()[step_id]
    chat = is_chat.ravel()[step_id]
    cache_hit = hit[trace]

    inp = step_input.ravel()[step_id]
    out_med = np.array([r.output_median for r in ROLES])[crole]
    out_sig = np.array([r.output_sigma for r in ROLES])[crole]
    full_out = np.where(
        out_med > 0, _lognormal(rng, np.maximum(out_med, 1), out_sig, n) * np.where(chat, fout[trace], 1.0), 0
    )
    full_out = np.clip(full_out, np.where(out_med > 0, 1, 0), 8000).astype(np.int64)
    reasoning = _reasoning(rng, cmodel, n)
    partial = (full_out * rng.uniform(0.05, 0.6, n)).astype(np.int64)
    output = np.select([outcome == SUCCESS, outcome == TIMEOUT], [full_out + reasoning, partial], 0)
    reasoning = np.where(outcome == SUCCESS, reasoning, 0)
    inp = np.where((outcome == SUCCESS) | (outcome == TIMEOUT), inp, 0)
    cached, write = prompt_cache(rng, cmodel, crole, inp)
    cached = np.where(cache_hit, 0, cached)
    write = np.where(cache_hit, 0, write)
    reasoning = np.where(cat.REASONING[cmodel], reasoning, 0)

    latency = latency_ms(rng, cmodel, op.ravel()[step_id], inp, output, outcome, cache_hit)
    ts = _timestamps(rng, batch.start_ms, trace, attempt, outcome, latency)

    billed = ~cache_hit & ((outcome == SUCCESS) | (outcome == TIMEOUT))
    cost = cat.cost_micros(cmodel, inp, cached, write, output, billed)
    version = np.where(chat, label[trace], -1)

    per_trace = np.bincount(trace, minlength=t_n)
    last_call = np.where(per_trace > 0, np.cumsum(per_trace) - 1, -1)
    end_ms = np.where(last_call >= 0, ts[np.maximum(last_call, 0)], batch.start_ms)
    ok = step_ok.all(axis=1) & (per_trace > 0)
    calls = Calls(
        trace=trace,
        ts_ms=ts.astype(np.int64),
        model=cmodel,
        input=inp,
        cached=cached,
        cache_write=write,
        output=output.astype(np.int64),
        reasoning=reasoning,
        latency=latency,
        outcome=outcome,
        cache_hit=cache_hit,
        cost=cost,
        version=version,
        attempt=attempt,
    )
    return calls, Traces(ok=ok, last_call=last_call, end_ms=end_ms, accept=facc)


def _attempts(rng: np.random.Generator, fail_p: F64, max_att: I64, planned: B) -> tuple[B, I64]:
    """Per (trace, step): did an attempt succeed within the retry budget, and how many were made."""
    t_n, s_n = planned.shape
    fails = rng.random((t_n, s_n, MAX_ATTEMPTS)) < fail_p.sum(axis=2)[:, :, None]
    fails |= np.arange(MAX_ATTEMPTS)[None, None, :] >= max_att[:, :, None]
    first_ok = np.argmax(~fails, axis=2)
    step_ok = ~fails[np.arange(t_n)[:, None], np.arange(s_n)[None, :], first_ok]
    attempts = np.where(step_ok, first_ok + 1, max_att)
    return step_ok | ~planned, attempts


def _timestamps(
    rng: np.random.Generator, start_ms: I64, trace: I64, attempt: I64, outcome: I64, latency: I64
) -> I64:
    """When each call completes (and is logged): calls of a trace run one after another, a short
    pause between steps, an exponential backoff (doubled after a 429) before a retry."""
    n = len(trace)
    same_trace = np.zeros(n, dtype=bool)
    same_trace[1:] = trace[1:] == trace[:-1]
    prev = np.r_[SUCCESS, outcome[:-1]]
    backoff = (500 * 2 ** np.maximum(attempt - 1, 0) + rng.integers(0, 500, n)) * np.where(
        prev == RATE_LIMITED, 2, 1
    )
    gap = np.where(~same_trace, 0, np.where(prev != SUCCESS, backoff, rng.integers(20, 250, n)))
    step = gap + latency
    elapsed = np.cumsum(step)
    base = np.where(~same_trace, elapsed - step, 0)
    base = np.maximum.accumulate(base)  # time elapsed before each call's trace began
    return (start_ms[trace] + elapsed - base).astype(np.int64)


def _reasoning(rng: np.random.Generator, model: I64, n: int) -> I64:
    o4 = model == cat.idx("o4-mini")
    flash = (model == cat.idx("gemini-2.5-flash")) & (rng.random(n) < 0.85)
    r = np.where(o4, _lognormal(rng, 600.0, 0.6, n), np.where(flash, _lognormal(rng, 220.0, 0.7, n), 0))
    return np.minimum(r, 20_000).astype(np.int64)


def prompt_cache(rng: np.random.Generator, model: I64, role: I64, inp: I64) -> tuple[I64, I64]:
    """Cache reads (all providers) and writes (Anthropic), both subsets of the input."""
    n = len(model)
    style = np.array([m.cache_style for m in cat.MODELS])[model]
    u = rng.random(n)
    prefix = np.array([r.cache_prefix for r in ROLES])[role]
    anth_read = (style == "anthropic") & (prefix > 0) & (u < 0.7)
    anth_write = (style == "anthropic") & (prefix > 0) & (u >= 0.7) & (u < 0.78)
    frac = rng.uniform(0.3, 0.8, n)
    oa = (style == "openai") & (inp >= 1024) & (rng.random(n) < 0.45)
    oa_cached = np.minimum(1024 + ((inp - 1024) * frac).astype(np.int64) // 128 * 128, inp)
    gem = (style == "gemini") & (inp >= 1024) & (rng.random(n) < 0.3)
    cached = np.select(
        [anth_read, oa, gem], [np.minimum(prefix, inp), oa_cached, (inp * frac * 0.7).astype(np.int64)], 0
    )
    write = np.where(anth_write, np.minimum(prefix, inp), 0)
    return cached.astype(np.int64), write.astype(np.int64)


def latency_ms(
    rng: np.random.Generator, model: I64, op: I64, inp: I64, out: I64, outcome: I64, cache_hit: B
) -> I64:
    n = len(model)
    ttft = np.array([m.ttft_ms for m in cat.MODELS], dtype=np.float64)[model]
    per_tok = np.array([m.ms_per_token for m in cat.MODELS])[model]
    work = np.where(op == 0, out, inp)
    limit = np.where(op == 0, CHAT_TIMEOUT_MS, EMBED_TIMEOUT_MS)
    ok = ttft * rng.lognormal(0.0, 0.3, n) + work * per_tok * rng.lognormal(0.0, 0.15, n)
    ok = np.minimum(ok, limit - 1)  # a slower call would have been cut off as a timeout
    timeout = limit + rng.integers(0, 400, n)
    lat = np.select(
        [cache_hit, outcome == SUCCESS, outcome == TIMEOUT, outcome == RATE_LIMITED],
        [rng.integers(2, 30, n), ok, timeout, rng.integers(15, 120, n)],
        rng.integers(200, 2500, n),
    )
    return np.maximum(lat, 1).astype(np.int64)
