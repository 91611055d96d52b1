"""The `article` scenario: the source article's worked example, reproduced exactly.

"Suppose last week your middleware logged 12,400 copilot requests across 85 tenants, 48.2M total
tokens ($612 estimated at blended rates), 9,100 requests where the agent clicked 'insert draft' ...
If ACME alone ran 2,200 requests but only 180 accepted drafts ..."

Token counts are drawn like the month scenario's, then input and output are scaled by the two factors
that make tokens and logged cost hit the targets together; the last call absorbs the rounding, so the
totals are exact: 48,200,000 tokens and $612.000000.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from llmcost.synth import catalog as cat
from llmcost.synth.applog import (
    Events,
    Names,
    background_lines,
    budget_check_lines,
    event_lines,
    http_lines,
    request_lines,
)
from llmcost.synth.calendar import DAY_MS, DIURNAL_P, HOUR_MS, WEEKDAY, epoch_ms
from llmcost.synth.features import EVENTS, KIND_INDEX, ROLE_INDEX
from llmcost.synth.ids import hex_ids, uuid4s
from llmcost.synth.manifest import Params
from llmcost.synth.roster import PLANS, tenant_names, zipf_weights
from llmcost.synth.sink import Sink
from llmcost.synth.traces import (
    ERROR,
    RATE_LIMITED,
    SUCCESS,
    TIMEOUT,
    Calls,
    TraceBatch,
    latency_ms,
    prompt_cache,
)
from llmcost.synth.truth import Truth, money

I64 = npt.NDArray[np.int64]
ARTICLE_DAYS = 7
REQUESTS, TENANTS, TOKENS, COST_MICROS, ACCEPTED = 12_400, 85, 48_200_000, 612_000_000, 9_100
ACME_REQUESTS, ACME_ACCEPTED = 2_200, 180
OPUS_SHARE = 0.45  # the biggest tenants after ACME pay for the larger model


def _allocate(total: int, weight: npt.NDArray[np.float64], minimum: int) -> I64:
    """Integers >= minimum summing to `total`, proportional to `weight` (largest remainder)."""
    spare = total - minimum * len(weight)
    raw = weight / weight.sum() * spare
    out = np.floor(raw).astype(np.int64)
    out[np.argsort(-(raw - out), kind="stable")[: spare - int(out.sum())]] += 1
    return out + minimum


def _trace_lengths(rng: np.random.Generator, total: int, acme: bool) -> I64:
    """Calls per trace summing to `total`: ACME's agent loops run several calls per draft; other
    tenants mostly make one call, retried now and then."""
    guess = total + 8
    if acme:
        lengths = 1 + rng.poisson(2.9, guess)
    else:
        lengths = rng.choice(np.array([1, 2, 3]), size=guess, p=[0.955, 0.04, 0.005])
    cum = np.cumsum(lengths)
    k = int(np.searchsorted(cum, total)) + 1
    lengths = lengths[:k].copy()
    lengths[-1] -= int(cum[k - 1]) - total
    return lengths.astype(np.int64)


def _start_times(rng: np.random.Generator, n: int, start_ms: int, start_weekday: int) -> I64:
    w = np.array([WEEKDAY[(start_weekday + d) % 7] for d in range(ARTICLE_DAYS)])
    day = rng.choice(ARTICLE_DAYS, size=n, p=w / w.sum())
    hour = rng.choice(24, size=n, p=DIURNAL_P)
    t = start_ms + day * DAY_MS + hour * HOUR_MS + rng.integers(0, HOUR_MS, n)
    # Every draft and its accept event land inside the week.
    return np.minimum(t, start_ms + ARTICLE_DAYS * DAY_MS - 2 * HOUR_MS).astype(np.int64)


def _solve_scale(inp_cost: float, out_cost: float, inp_tok: float, out_tok: float) -> tuple[float, float]:
    a = np.array([[inp_tok, out_tok], [inp_cost, out_cost]])
    x = np.linalg.solve(a, np.array([TOKENS, COST_MICROS * 1000.0]))
    if not (x > 0.2).all() or not (x < 5).all():
        raise AssertionError(f"article scaling out of range: {x}")
    return float(x[0]), float(x[1])


def run_article(params: Params, sink: Sink) -> dict[str, Any]:
    rng = np.random.default_rng([params.seed, 900])
    start_ms = epoch_ms(params.start)
    end_ms = start_ms + ARTICLE_DAYS * DAY_MS
    names = tenant_names(rng, TENANTS)
    weight = zipf_weights(rng, TENANTS - 1)
    per_tenant = np.concatenate([[ACME_REQUESTS], _allocate(REQUESTS - ACME_REQUESTS, weight, 3)])
    opus_tenants = np.zeros(TENANTS, dtype=bool)
    opus_tenants[0] = True
    opus_tenants[1:] = np.cumsum(per_tenant[1:]) <= OPUS_SHARE * per_tenant[1:].sum()

    lengths = [_trace_lengths(rng, int(c), acme=(t == 0)) for t, c in enumerate(per_tenant)]
    trace_tenant = np.concatenate([np.full(len(x), t) for t, x in enumerate(lengths)]).astype(np.int64)
    length = np.concatenate(lengths)
    n_traces = len(length)
    starts = np.sort(_start_times(rng, n_traces, start_ms, params.start.weekday()))
    shuffle = rng.permutation(n_traces)  # tenants' traces interleave over the week
    trace_tenant, length = trace_tenant[shuffle], length[shuffle]
    users_per = np.maximum(3, (per_tenant / 20).astype(np.int64))
    user_off = np.concatenate([[0], np.cumsum(users_per)[:-1]])
    user = user_off[trace_tenant] + (rng.random(n_traces) ** 2 * users_per[trace_tenant]).astype(np.int64)
    batch = TraceBatch(starts, trace_tenant, user, np.full(n_traces, KIND_INDEX["copilot"], dtype=np.int64))

    calls, accepted = _calls(rng, batch, length, opus_tenants, start_ms)
    ev = Events(
        ts_ms=calls.ts_ms[accepted[1]]
        + np.minimum(rng.lognormal(np.log(45_000), 1.0, len(accepted[0])), HOUR_MS).astype(np.int64),
        event=np.full(len(accepted[0]), EVENTS.index("draft_accepted"), dtype=np.int64),
        trace=accepted[0],
        request=accepted[1],
        orphan=np.zeros(len(accepted[0]), dtype=bool),
    )
    tenants = pl.Series(names)
    users = "u_" + hex_ids(rng, int(users_per.sum()), nbytes=6)
    labels = pl.Series(["v3", "v4"])
    table = Names(tenants, users, labels)
    request_ids, trace_ids = uuid4s(rng, len(calls)), hex_ids(rng, n_traces)
    trace_ok = np.zeros(n_traces, dtype=bool)
    last = np.cumsum(length) - 1
    trace_ok[:] = calls.outcome[last] == SUCCESS
    http_sel = np.flatnonzero(rng.random(n_traces) < 0.05)
    check_sel = np.flatnonzero(rng.random(n_traces) < 0.01)
    frames = [
        request_lines(calls, batch, request_ids, trace_ids, table, 1),
        event_lines(
            ev,
            batch,
            request_ids,
            trace_ids,
            (pl.Series([], dtype=pl.String),) * 2,
            table,
            np.zeros(len(ev), dtype=np.int64),
            1,
        ),
        http_lines(rng, batch, trace_ok, calls.ts_ms[last], http_sel, uuid4s(rng, len(http_sel)), table, 1),
        budget_check_lines(rng, batch, check_sel, table, 1),
    ]
    truth = Truth(start_ms, names)
    for d in range(ARTICLE_DAYS):
        bg = background_lines(rng, start_ms + d * DAY_MS, start_ms + (d + 1) * DAY_MS, 0)
        frames.append(bg)
        for msg, n in bg.group_by(pl.col("line").str.extract(r'"msg":"([^"]+)"')).len().iter_rows():
            truth.ignored[msg] += n
    truth.add_calls(calls, batch)
    truth.add_events(ev, batch)
    truth.ignored["http.request"] += len(http_sel)
    truth.ignored["llm.budget_check"] += len(check_sel)
    sink.push(pl.concat(frames), None)
    stats = sink.close()

    from llmcost.synth.summary import common

    data, _, _, _ = common(params, truth, stats, sink.out_dir, start_ms, end_ms, ARTICLE_DAYS)
    acme_cost = int(calls.cost[batch.tenant[calls.trace] == 0].sum())
    data["article"] = {
        "source": "shared/seed/000_48dee2653506cab7.txt, 'Example: support copilot unit economics'",
        "week": [params.start.isoformat(), (params.start + timedelta(days=ARTICLE_DAYS)).isoformat()],
        "feature": "copilot",
        "event": "draft_accepted",
        "requests": REQUESTS,
        "tenants": TENANTS,
        "tokens": TOKENS,
        "cost_usd": money(COST_MICROS),
        "accepted_drafts": ACCEPTED,
        "cost_per_request_usd": round(COST_MICROS / 1e6 / REQUESTS, 6),
        "cost_per_accepted_draft_usd": round(COST_MICROS / 1e6 / ACCEPTED, 6),
        "tenant_acme": {
            "tenant_id": names[0],
            "requests": ACME_REQUESTS,
            "accepted_drafts": ACME_ACCEPTED,
            "cost_usd": money(acme_cost),
            "cost_per_accepted_draft_usd": round(acme_cost / 1e6 / ACME_ACCEPTED, 6),
            "article_figure_usd": round(COST_MICROS / 1e6 / ACME_ACCEPTED, 2),
            "note": "the article divides the whole week's $612 by ACME's 180 drafts ($3.40); "
            "ACME's own spend per accepted draft is cost_per_accepted_draft_usd",
        },
    }
    data["budget"] = {
        "org_monthly_usd": None,
        "month": None,
        "fires": False,
        "note": "no budget in this scenario",
    }
    data["anomalies"] = {"requested": [], "planted": [], "skipped": []}
    data["plans"] = {p: {"daily_usd": v} for p, v in PLANS.items()}
    data["tenants"] = [
        {"tenant_id": n, "plan": "enterprise" if i < 3 else "pro", "weight": 0.0} for i, n in enumerate(names)
    ]
    return data


def _calls(
    rng: np.random.Generator,
    batch: TraceBatch,
    length: I64,
    opus_tenants: npt.NDArray[np.bool_],
    start_ms: int,
) -> tuple[Calls, tuple[I64, I64]]:
    """The week's calls (in trace order) and the (trace, call) pairs of the accepted drafts."""
    n_traces, n = len(batch), int(length.sum())
    trace = np.repeat(np.arange(n_traces), length)
    first = np.cumsum(length) - length
    pos = np.arange(n) - first[trace]
    is_last = pos == length[trace] - 1
    tenant = batch.tenant[trace]
    acme = tenant == 0

    # Outcomes: a call before the last is a failed attempt (then retried) or a loop step / regenerate.
    fail_kind = rng.choice(np.array([TIMEOUT, RATE_LIMITED, ERROR]), size=n, p=[0.45, 0.35, 0.2])
    u = rng.random(n)
    failed = np.where(is_last, u < 0.012, np.where(acme, u < 0.05, u < 0.5))
    outcome = np.where(failed, fail_kind, SUCCESS).astype(np.int64)
    attempt = np.zeros(n, dtype=np.int64)
    prev_failed = np.r_[False, failed[:-1]] & (pos > 0)
    attempt[prev_failed] = 1  # a retry right after a failure (deeper chains are rare enough to ignore)

    model = np.where(opus_tenants[tenant], cat.idx("claude-opus-4-1"), cat.idx("claude-sonnet-4")).astype(
        np.int64
    )
    in_median = np.where(acme, 6000.0, 2700.0)  # ACME retrieval sends forty chunks
    inp = np.exp(np.log(in_median) + 0.45 * rng.standard_normal(n))
    out = np.exp(np.log(380.0) + 0.5 * rng.standard_normal(n))
    out = np.where(outcome == TIMEOUT, out * rng.uniform(0.05, 0.6, n), out)
    billed = (outcome == SUCCESS) | (outcome == TIMEOUT)
    inp, out = np.where(billed, inp, 0.0), np.where(billed, out, 0.0)
    role = np.full(n, ROLE_INDEX["copilot_draft"], dtype=np.int64)
    cached_frac, write_frac = _cache_fractions(rng, model, role, inp)

    # Scale input and output so that tokens and logged cost hit the article's totals together.
    r_in, r_cached, r_write, r_out = (
        x[model] for x in (cat.RATE_INPUT, cat.RATE_CACHED, cat.RATE_WRITE, cat.RATE_OUTPUT)
    )
    in_cost = float(
        (inp * ((1 - cached_frac - write_frac) * r_in + cached_frac * r_cached + write_frac * r_write)).sum()
    )
    a, b = _solve_scale(in_cost, float((out * r_out).sum()), float(inp.sum()), float(out.sum()))
    inp_i = np.round(inp * a).astype(np.int64)
    out_i = np.round(out * b).astype(np.int64)
    cached = np.floor(inp_i * cached_frac).astype(np.int64)
    write = np.minimum(np.floor(inp_i * write_frac).astype(np.int64), inp_i - cached)

    times = _times(rng, batch, trace, pos, model, inp_i, out_i, outcome)
    ts, latency = times
    # The chronologically last successful call absorbs the rounding of tokens, then of cost.
    j = int(np.flatnonzero(outcome == SUCCESS)[np.argmax(ts[outcome == SUCCESS])])
    inp_i[j] += TOKENS - int(inp_i.sum() + out_i.sum())
    cost = cat.cost_micros(model, inp_i, cached, write, out_i, billed)
    cost[j] += COST_MICROS - int(cost.sum())

    version = np.where(ts < start_ms + 3 * DAY_MS + 10 * HOUR_MS, 0, 1).astype(np.int64)
    calls = Calls(
        trace=trace,
        ts_ms=ts,
        model=model,
        input=inp_i,
        cached=cached,
        cache_write=write,
        output=out_i,
        reasoning=np.zeros(n, dtype=np.int64),
        latency=latency,
        outcome=outcome,
        cache_hit=np.zeros(n, dtype=bool),
        cost=cost,
        version=version,
        attempt=attempt,
    )
    return calls, _accepted(rng, batch, first + length - 1, outcome)


def _cache_fractions(
    rng: np.random.Generator, model: I64, role: I64, inp: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    tokens = np.maximum(inp, 1).astype(np.int64)
    cached, write = prompt_cache(rng, model, role, tokens)
    # Drafts for many different tickets share less of their prompt than a busy month's traffic.
    return np.where(inp > 0, 0.5 * cached / tokens, 0.0), np.where(inp > 0, 0.5 * write / tokens, 0.0)


def _times(
    rng: np.random.Generator,
    batch: TraceBatch,
    trace: I64,
    pos: I64,
    model: I64,
    inp: I64,
    out: I64,
    outcome: I64,
) -> tuple[I64, I64]:
    n = len(trace)
    latency = latency_ms(rng, model, np.zeros(n, dtype=np.int64), inp, out, outcome, np.zeros(n, dtype=bool))
    failed_before = np.r_[False, outcome[:-1] != SUCCESS] & (pos > 0)
    gap = np.where(pos == 0, 0, np.where(failed_before, rng.integers(500, 2500, n), rng.integers(20, 400, n)))
    step = gap + latency
    elapsed = np.cumsum(step)
    base = np.where(pos == 0, elapsed - step, 0)
    base = np.maximum.accumulate(base)
    return (batch.start_ms[trace] + elapsed - base).astype(np.int64), latency


def _accepted(rng: np.random.Generator, batch: TraceBatch, last_call: I64, outcome: I64) -> tuple[I64, I64]:
    """Exactly ACME_ACCEPTED drafts for ACME and the rest for everyone else, among traces whose last
    call succeeded."""
    ok = outcome[last_call] == SUCCESS
    chosen = []
    for is_acme, k in ((True, ACME_ACCEPTED), (False, ACCEPTED - ACME_ACCEPTED)):
        pool = np.flatnonzero(ok & ((batch.tenant == 0) == is_acme))
        if len(pool) < k:
            raise AssertionError(f"article: {len(pool)} successful traces for {k} accepted drafts")
        chosen.append(np.sort(rng.choice(pool, size=k, replace=False)))
    traces = np.sort(np.concatenate(chosen))
    return traces.astype(np.int64), last_call[traces].astype(np.int64)
