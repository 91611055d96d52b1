"""The `month` scenario: day by day (and in bounded chunks within a busy day), sample the day's
traces, expand them into calls, events and unrelated lines, and stream them to the sink in time order."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import numpy.typing as npt
import polars as pl

from llmcost.synth.anomalies import EMBED_SURGE_RATIO, SPIKE_FACTOR
from llmcost.synth.applog import (
    background_lines,
    budget_check_lines,
    event_lines,
    http_lines,
    request_lines,
)
from llmcost.synth.calendar import DAY_MS, END_MARGIN_MS, HOUR_MS, start_times
from llmcost.synth.events import make_events, ticket_ids
from llmcost.synth.features import KIND_INDEX
from llmcost.synth.ids import hex_ids, uuid4s
from llmcost.synth.roster import sample_users
from llmcost.synth.sink import Sink
from llmcost.synth.traces import Calls, Failures, TraceBatch, Traces, build_calls
from llmcost.synth.truth import Truth
from llmcost.synth.world import World, sample_kinds

I64 = npt.NDArray[np.int64]
Fit = Callable[[Calls], I64]  # what a fitted plant adds up per call (cost, tokens)
CHUNK_TRACES = 60_000  # bounds memory: a chunk's calls, ids and lines stay under ~100 MB
HTTP_SHARE = 0.05
SPIKE_HOUR = 13  # the bulk run starts after lunch UTC
SURGE_HOUR = 15  # the re-index job a deploy kicked off
BUDGET_CHECK_SHARE = 0.01


def _day_traces(world: World, rng: np.random.Generator, day: int) -> TraceBatch:
    plan, roster = world.plan, world.roster
    day_start = world.start_ms + day * DAY_MS
    limit = min(day_start + DAY_MS, world.end_ms - END_MARGIN_MS)
    volume = float(world.day_weight[day])
    if plan.error_burn is not None and plan.error_burn.day == day:
        volume *= plan.error_burn.volume_factor
    # Each tenant's count is its expectation rounded at random (not Poisson): day-to-day swings of a
    # small tenant then come from what its traces cost, not from how many it ran, which keeps quiet
    # data under a tenant-spike floor of a few dollars.
    counts = (volume * roster.weight + rng.random(len(roster))).astype(np.int64)
    tenant = rng.permutation(np.repeat(np.arange(len(roster), dtype=np.int64), counts))
    n = len(tenant)
    parts = [
        (
            start_times(rng, n, day_start, limit),
            tenant,
            sample_users(roster, rng, tenant),
            sample_kinds(rng, roster, tenant),
        )
    ]

    pace = plan.budget_pace
    if pace is not None and day in pace.days and world.new_tenant is not None:
        m = pace.calls_per_day
        parts.append(
            (
                start_times(rng, m, day_start, limit, uniform=True),
                np.full(m, world.new_tenant),
                np.full(m, world.service_user["svc_backfill"]),
                np.full(m, KIND_INDEX["ticket_backfill"]),
            )
        )

    start = np.concatenate([x[0] for x in parts]).astype(np.int64)
    order = np.argsort(start, kind="stable")
    cols = [np.concatenate([x[i] for x in parts]).astype(np.int64)[order] for i in (1, 2, 3)]
    return TraceBatch(start[order], cols[0], cols[1], cols[2])


def _incidents(world: World) -> tuple[Failures, ...]:
    eb = world.plan.error_burn
    if eb is None:
        return ()
    lo = world.start_ms + eb.day * DAY_MS
    return (Failures(eb.provider, lo, lo + DAY_MS, eb.failure, eb.max_attempts),)


def _chunk_lines(
    world: World, rng: np.random.Generator, batch: TraceBatch, truth: Truth, seq: int
) -> pl.DataFrame:
    calls, traces = build_calls(rng, batch, world.tenancy, world.versions, _incidents(world))
    return _lines(world, rng, batch, calls, traces, truth, seq)


def _lines(
    world: World,
    rng: np.random.Generator,
    batch: TraceBatch,
    calls: Calls,
    traces: Traces,
    truth: Truth,
    seq: int,
) -> pl.DataFrame:
    request_ids = uuid4s(rng, len(calls))
    trace_ids = hex_ids(rng, len(batch))
    ev, late = make_events(rng, batch, traces, world.tenancy, world.end_ms)
    n_orphan = int(ev.orphan.sum())
    orphan_ids = (uuid4s(rng, n_orphan), hex_ids(rng, n_orphan))
    http_sel = np.flatnonzero(rng.random(len(batch)) < HTTP_SHARE)
    check_sel = np.flatnonzero(rng.random(len(batch)) < BUDGET_CHECK_SHARE)
    frames = [
        request_lines(calls, batch, request_ids, trace_ids, world.names, seq),
        event_lines(ev, batch, request_ids, trace_ids, orphan_ids, world.names, ticket_ids(rng, ev), seq),
        http_lines(
            rng, batch, traces.ok, traces.end_ms, http_sel, uuid4s(rng, len(http_sel)), world.names, seq
        ),
        budget_check_lines(rng, batch, check_sel, world.names, seq),
    ]
    truth.add_calls(calls, batch)
    truth.add_events(ev, batch)
    truth.events_after_window += late
    truth.ignored["http.request"] += len(http_sel)
    truth.ignored["llm.budget_check"] += len(check_sel)
    return pl.concat(frames)


def _prefix(
    world: World,
    rng: np.random.Generator,
    batch: TraceBatch,
    amount: Callable[[Calls], npt.NDArray[np.int64]],
    target: float,
) -> tuple[TraceBatch, Calls, Traces]:
    """The leading traces of `batch` whose calls' `amount` adds up closest to `target` (maybe none)."""
    calls, traces = build_calls(rng, batch, world.tenancy, world.versions, _incidents(world))
    per_trace = np.bincount(calls.trace, weights=amount(calls), minlength=len(batch))
    done = np.concatenate([[0.0], np.cumsum(per_trace)])
    k = int(np.argmin(np.abs(done - target)))
    m = int(np.searchsorted(calls.trace, k))
    head = TraceBatch(batch.start_ms[:k], batch.tenant[:k], batch.user[:k], batch.kind[:k])
    calls = Calls(**{f: getattr(calls, f)[:m] for f in Calls.__dataclass_fields__})
    traces = Traces(traces.ok[:k], traces.last_call[:k], traces.end_ms[:k], traces.accept[:k])
    return head, calls, traces


def _push_fitted(
    world: World,
    rng: np.random.Generator,
    truth: Truth,
    sink: Sink,
    candidates: TraceBatch,
    amount: Callable[[Calls], npt.NDArray[np.int64]],
    target: float,
    seq: int,
    horizon: int | None,
) -> tuple[int, int, int]:
    """Write leading candidate traces, chunk by chunk, until their `amount` reaches `target`.
    Returns (seq, traces written, calls written)."""
    chunks = list(_chunks(candidates))
    n_traces = n_calls = 0
    for i, chunk in enumerate(chunks):
        head, calls, traces = _prefix(world, rng, chunk, amount, target)
        target -= float(amount(calls).sum())
        n_traces, n_calls = n_traces + len(head), n_calls + len(calls)
        more = len(head) == len(chunk) and i + 1 < len(chunks)
        seq += 1
        sink.push(
            _lines(world, rng, head, calls, traces, truth, seq),
            int(chunks[i + 1].start_ms[0]) if more else horizon,
        )
        if not more:
            break
    return seq, n_traces, n_calls


def _spike_burst(
    world: World, rng: np.random.Generator, truth: Truth, day: int
) -> tuple[TraceBatch, Fit, float]:
    """The tenant bulk-runs its workflows in the afternoon until its day costs SPIKE_FACTOR x its
    trailing 7-day average: sized against what it actually spent, so the ratio holds at any scale."""
    sp = world.plan.spike
    assert sp is not None
    trailing = truth.tenant_cost(sp.tenant, day - 7, day) / 7
    deficit = SPIKE_FACTOR * trailing - truth.tenant_cost(sp.tenant, day, day + 1)
    per_trace = max(float(world.economics.tenant_cost_micros[sp.tenant]), 1.0)
    n = int(np.ceil(1.6 * max(deficit, 0.0) / per_trace)) + 10
    lo = world.start_ms + day * DAY_MS + SPIKE_HOUR * HOUR_MS
    tenant = np.full(n, sp.tenant, dtype=np.int64)
    batch = TraceBatch(
        start_times(rng, n, lo, lo + 5 * HOUR_MS, uniform=True),
        tenant,
        sample_users(world.roster, rng, tenant),
        sample_kinds(rng, world.roster, tenant),
    )
    return batch, lambda c: c.cost, deficit


def _embed_surge(
    world: World, rng: np.random.Generator, truth: Truth, day: int
) -> tuple[TraceBatch, Fit, float]:
    """A re-index job run amok: embedding calls over every tenant's documents until the day's
    embedding tokens are EMBED_SURGE_RATIO x its generation (chat) tokens."""
    embedded, generated = truth.day_tokens(day)
    deficit = EMBED_SURGE_RATIO * generated - embedded
    n = int(np.ceil(1.3 * max(deficit, 0.0) / world.economics.reindex_tokens)) + 10
    lo = world.start_ms + day * DAY_MS + SURGE_HOUR * HOUR_MS
    limit = min(world.start_ms + (day + 1) * DAY_MS, world.end_ms - END_MARGIN_MS)
    batch = TraceBatch(
        start_times(rng, n, lo, min(lo + 6 * HOUR_MS, limit), uniform=True),
        rng.choice(len(world.roster), size=n, p=world.roster.weight).astype(np.int64),
        np.full(n, world.service_user["svc_reindex"], dtype=np.int64),
        np.full(n, KIND_INDEX["rag_reindex"], dtype=np.int64),
    )
    return batch, lambda c: c.input, deficit


def _chunks(batch: TraceBatch) -> Iterator[TraceBatch]:
    for lo in range(0, max(len(batch), 1), CHUNK_TRACES):
        sl = slice(lo, lo + CHUNK_TRACES)
        yield TraceBatch(batch.start_ms[sl], batch.tenant[sl], batch.user[sl], batch.kind[sl])


def run_month(
    world: World, seed: int, sink: Sink, truth: Truth, progress: Callable[[int, int], None] | None = None
) -> None:
    seq = 0
    plan = world.plan
    for day in range(world.days):
        rng = np.random.default_rng([seed, 100, day])
        day_start = world.start_ms + day * DAY_MS
        limit = min(day_start + DAY_MS, world.end_ms - END_MARGIN_MS)
        batch = _day_traces(world, rng, day)
        background = background_lines(rng, day_start, limit, seq)
        for msg, n in background.group_by(pl.col("line").str.extract(r'"msg":"([^"]+)"')).len().iter_rows():
            truth.ignored[msg] += n
        next_day = day_start + DAY_MS if day + 1 < world.days else None
        # Plants sized against the day's actual traffic run after it, from a fixed hour on; rows of
        # the day at or after that hour wait in the sink until the plant is written.
        late = []
        if plan.spike is not None and plan.spike.day == day:
            late.append((day_start + SPIKE_HOUR * HOUR_MS, _spike_burst, "spike"))
        if plan.embed_surge is not None and plan.embed_surge.day == day:
            late.append((day_start + SURGE_HOUR * HOUR_MS, _embed_surge, "embed-surge"))
        late.sort(key=lambda x: x[0])
        hold = late[0][0] if late else None
        chunks = list(_chunks(batch))
        for i, chunk in enumerate(chunks):
            seq += 1
            frame = _chunk_lines(world, rng, chunk, truth, seq)
            if i == 0:
                frame = pl.concat([background, frame])
            horizon = int(chunks[i + 1].start_ms[0]) if i + 1 < len(chunks) else next_day
            if hold is not None:
                horizon = hold if horizon is None else min(horizon, hold)
            sink.push(frame, horizon)
        for j, (_, plant, name) in enumerate(late):
            candidates, amount, target = plant(world, rng, truth, day)
            horizon = late[j + 1][0] if j + 1 < len(late) else next_day
            seq, n_traces, n_calls = _push_fitted(
                world, rng, truth, sink, candidates, amount, target, seq, horizon
            )
            world.fitted[name] = (n_traces, n_calls)
        if progress is not None:
            progress(day + 1, world.days)
