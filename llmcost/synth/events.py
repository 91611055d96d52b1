"""Product outcome events: a share of successful workflows produce one (a draft accepted, a ticket
resolved, a search answered), seconds to hours later; a few reference nothing that was logged."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from llmcost.synth.applog import Events
from llmcost.synth.features import EVENTS, KINDS
from llmcost.synth.traces import Tenancy, TraceBatch, Traces

ORPHAN_SHARE = 0.004  # events from clients whose requests were logged elsewhere (or never)
TRACE_ONLY = {"ticket_resolved": 0.1}  # the ticketing webhook knows the trace, not the call
MAX_DELAY_MS = 3 * 86_400_000

_EVENT_OF_KIND = np.array([EVENTS.index(k.event) if k.event else -1 for k in KINDS])
_ACCEPT = np.array([k.accept for k in KINDS])
_DELAY_MEDIAN_MS = np.array([k.event_delay_median_s * 1000 for k in KINDS])
_DELAY_SIGMA = np.array([k.event_delay_sigma for k in KINDS])
_TRACE_ONLY = np.array([TRACE_ONLY.get(e, 0.0) for e in EVENTS])


def make_events(
    rng: np.random.Generator, batch: TraceBatch, traces: Traces, tenancy: Tenancy, end_ms: int
) -> tuple[Events, int]:
    """The events of a batch, and how many fell after the window's end (not arrived yet: dropped)."""
    kind = batch.kind
    p = _ACCEPT[kind] * tenancy.accept_factor[batch.tenant] * traces.accept
    chosen = np.flatnonzero(traces.ok & (_EVENT_OF_KIND[kind] >= 0) & (rng.random(len(batch)) < p))
    k = kind[chosen]
    delay = np.exp(np.log(_DELAY_MEDIAN_MS[k]) + _DELAY_SIGMA[k] * rng.standard_normal(len(chosen)))
    ts = traces.end_ms[chosen] + np.minimum(delay, MAX_DELAY_MS).astype(np.int64) + 1
    event = _EVENT_OF_KIND[k]
    request = np.where(rng.random(len(chosen)) < _TRACE_ONLY[event], -1, traces.last_call[chosen])

    n_orphan = int(rng.binomial(len(chosen), ORPHAN_SHARE)) if len(chosen) else 0
    tmpl = rng.integers(0, max(len(chosen), 1), n_orphan)
    ts = np.concatenate([ts, ts[tmpl] + rng.integers(1_000, 600_000, n_orphan)])
    event = np.concatenate([event, event[tmpl]])
    trace = np.concatenate([chosen, chosen[tmpl]])
    request = np.concatenate([request, np.zeros(n_orphan, dtype=np.int64)])
    orphan = np.concatenate([np.zeros(len(chosen), dtype=bool), np.ones(n_orphan, dtype=bool)])

    keep = ts < end_ms
    ev = Events(
        ts_ms=ts[keep].astype(np.int64),
        event=event[keep].astype(np.int64),
        trace=trace[keep].astype(np.int64),
        request=request[keep].astype(np.int64),
        orphan=orphan[keep],
    )
    return ev, int((~keep).sum())


def ticket_ids(rng: np.random.Generator, ev: Events) -> npt.NDArray[np.int64]:
    """A ticket number on `ticket_resolved` events (0: none)."""
    is_ticket = ev.event == EVENTS.index("ticket_resolved")
    return np.where(is_ticket, rng.integers(100_000, 999_999, len(ev)), 0).astype(np.int64)
