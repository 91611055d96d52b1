"""The application's log lines: `llm.request` per model call, product outcome events, and the
unrelated lines every real app log carries (`http.request`, `cache.refresh`, ...)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from llmcost.synth import catalog as cat
from llmcost.synth.features import EVENTS, KINDS
from llmcost.synth.render import Field, boolean, fragments, lines, num, ts_rfc3339, usd
from llmcost.synth.traces import RATE_LIMITED, SUCCESS, TIMEOUT, Calls, TraceBatch

I64 = npt.NDArray[np.int64]

# Tie-break order of line kinds at one millisecond: the call, then the HTTP response, then events.
ORDER_REQUEST, ORDER_HTTP, ORDER_EVENT, ORDER_BACKGROUND = 1, 2, 3, 4

_ERRORS = {
    "anthropic": ("429 rate_limit_error", "529 overloaded_error"),
    "openai": ("429 rate_limit_exceeded", "500 server_error"),
    "google": ("429 RESOURCE_EXHAUSTED", "503 UNAVAILABLE"),
    "cohere": ("429 too many requests", "500 internal server error"),
    "self-hosted": ("503 queue full", "502 bad gateway"),
}
# Pre-rendered fragments of the low-cardinality fields of a request line, gathered by code.
_MODEL_TEXT = fragments(
    [f',"provider":"{m.provider}","model":"{m.name}","operation":"{m.operation}"' for m in cat.MODELS]
)
# Outcome (and error text) by code: success, timeout, then rate_limited and error per provider.
_OUTCOME_TEXT = fragments(
    [',"outcome":"success"', ',"outcome":"timeout","error":"upstream timeout"']
    + [f',"outcome":"rate_limited","error":"{_ERRORS[p][0]}"' for p in cat.PROVIDERS]
    + [f',"outcome":"error","error":"{_ERRORS[p][1]}"' for p in cat.PROVIDERS]
)
_KIND_FEATURE = pl.Series([k.feature for k in KINDS])
_FEATURE_TEXT = fragments([f',"feature":"{k.feature}"' for k in KINDS])
_JOB_TEXT = fragments([{"rag_reindex": ',"job":"reindex"', "ticket_backfill": ',"job":"backfill"'}.get(k.name, "")
                       for k in KINDS])  # fmt: skip
_KIND_PATH = pl.Series([k.path for k in KINDS])
_EVENT = pl.Series(list(EVENTS))
_COMMON = [Field("service", pl.lit("api")), Field("env", pl.lit("prod"))]


@dataclass(frozen=True)
class Names:
    """String tables the numeric columns index into."""

    tenants: pl.Series
    users: pl.Series
    versions: pl.Series


def _take(series: pl.Series, idx: npt.NDArray[np.integer]) -> pl.Series:
    return series.gather(np.maximum(np.asarray(idx, dtype=np.int64), 0))


def request_lines(
    calls: Calls, batch: TraceBatch, request_ids: pl.Series, trace_ids: pl.Series, names: Names, order: int
) -> pl.DataFrame:
    t = calls.trace
    kind = batch.kind[t]
    provider = cat.PROVIDER_OF[calls.model].astype(np.int64)
    n_prov = len(cat.PROVIDERS)
    outcome_code = np.select(
        [calls.outcome == SUCCESS, calls.outcome == TIMEOUT, calls.outcome == RATE_LIMITED],
        [0, 1, 2 + provider],
        2 + n_prov + provider,
    )
    version_text = fragments(["", *(f',"promptVersion":"{v}"' for v in names.versions.to_list())])
    df = pl.DataFrame(
        {
            "ts": calls.ts_ms,
            "ok": calls.outcome == SUCCESS,
            "requestId": request_ids,
            "traceId": _take(trace_ids, t),
            "tenantId": _take(names.tenants, batch.tenant[t]),
            "userId": _take(names.users, batch.user[t]),
            "feature": _take(_FEATURE_TEXT, kind),
            "model": _take(_MODEL_TEXT, calls.model),
            "inputTokens": calls.input,
            "cachedInputTokens": calls.cached,
            "cacheWriteTokens": calls.cache_write,
            "outputTokens": calls.output,
            "reasoningTokens": calls.reasoning,
            "is_reasoning": cat.REASONING[calls.model],
            "latencyMs": calls.latency,
            "outcome": _take(_OUTCOME_TEXT, outcome_code),
            "attempt": calls.attempt + 1,
            "cacheHit": calls.cache_hit,
            "costUsd": calls.cost,
            "version": _take(version_text, calls.version + 1),
            "job": _take(_JOB_TEXT, kind),
        }
    )
    fields = [
        Field("ts", ts_rfc3339()),
        Field("level", pl.when(pl.col("ok")).then(pl.lit("info")).otherwise(pl.lit("warn"))),
        Field("msg", pl.lit("llm.request")),
        Field("requestId", pl.col("requestId")),
        Field("traceId", pl.col("traceId")),
        Field("tenantId", pl.col("tenantId")),
        Field("userId", pl.col("userId")),
        Field("feature", pl.col("feature"), "raw"),
        Field("model", pl.col("model"), "raw"),
        Field("inputTokens", num("inputTokens"), "num"),
        Field("cachedInputTokens", num("cachedInputTokens"), "num"),
        Field("cacheWriteTokens", num("cacheWriteTokens"), "num", when=pl.col("cacheWriteTokens") > 0),
        Field("outputTokens", num("outputTokens"), "num"),
        Field("reasoningTokens", num("reasoningTokens"), "num", when=pl.col("is_reasoning")),
        Field("latencyMs", num("latencyMs"), "num"),
        Field("outcome", pl.col("outcome"), "raw"),
        Field("attempt", num("attempt"), "num", when=pl.col("attempt") > 1),
        Field("cacheHit", boolean("cacheHit"), "bool"),
        Field("costUsd", usd("costUsd"), "num"),
        Field("promptVersion", pl.col("version"), "raw"),
        Field("job", pl.col("job"), "raw"),
        *_COMMON,
    ]
    return lines(df, fields, order * 16 + ORDER_REQUEST)


@dataclass(frozen=True)
class Events:
    ts_ms: I64
    event: I64  # index into EVENTS
    trace: I64  # index into the batch
    request: I64  # index into the batch's calls, -1: the event carries only a traceId
    orphan: npt.NDArray[np.bool_]  # references a request and trace nobody logged

    def __len__(self) -> int:
        return len(self.ts_ms)


def event_lines(
    ev: Events,
    batch: TraceBatch,
    request_ids: pl.Series,
    trace_ids: pl.Series,
    orphan_ids: tuple[pl.Series, pl.Series],
    names: Names,
    ticket_ids: I64,
    order: int,
) -> pl.DataFrame:
    rid = _take(request_ids, ev.request)
    tid = _take(trace_ids, ev.trace)
    if ev.orphan.any():
        o = np.flatnonzero(ev.orphan)
        rid = rid.scatter(o, orphan_ids[0])
        tid = tid.scatter(o, orphan_ids[1])
    df = pl.DataFrame(
        {
            "ts": ev.ts_ms,
            "msg": _take(_EVENT, ev.event),
            "requestId": rid,
            "has_request": ev.request >= 0,
            "traceId": tid,
            "tenantId": _take(names.tenants, batch.tenant[ev.trace]),
            "feature": _take(_KIND_FEATURE, batch.kind[ev.trace]),
            "userId": _take(names.users, batch.user[ev.trace]),
            "ticketId": ticket_ids,
        }
    )
    fields = [
        Field("ts", ts_rfc3339()),
        Field("level", pl.lit("info")),
        Field("msg", pl.col("msg")),
        Field("requestId", pl.col("requestId"), when=pl.col("has_request")),
        Field("traceId", pl.col("traceId")),
        Field("tenantId", pl.col("tenantId")),
        Field("feature", pl.col("feature")),
        Field("userId", pl.col("userId")),
        Field("ticketId", pl.concat_str([pl.lit("T-"), num("ticketId")]), when=pl.col("ticketId") > 0),
        *_COMMON,
    ]
    return lines(df, fields, order * 16 + ORDER_EVENT)


def http_lines(
    rng: np.random.Generator,
    batch: TraceBatch,
    ok: npt.NDArray[np.bool_],
    end_ms: I64,
    sel: I64,
    ids: pl.Series,
    names: Names,
    order: int,
) -> pl.DataFrame:
    """The HTTP access line of a sampled share of traces (the request that started the workflow)."""
    n = len(sel)
    ts = end_ms[sel] + rng.integers(2, 40, n)
    status = np.where(ok[sel], 200, np.where(rng.random(n) < 0.6, 504, 502))
    df = pl.DataFrame(
        {
            "ts": ts,
            "level": np.where(status == 200, "info", "error"),
            "path": _take(_KIND_PATH, batch.kind[sel]),
            "status": status,
            "durationMs": ts - batch.start_ms[sel] + rng.integers(5, 60, n),
            "requestId": ids,
            "tenantId": _take(names.tenants, batch.tenant[sel]),
        }
    )
    fields = [
        Field("ts", ts_rfc3339()),
        Field("level", pl.col("level")),
        Field("msg", pl.lit("http.request")),
        Field("method", pl.lit("POST")),
        Field("path", pl.col("path")),
        Field("status", num("status"), "num"),
        Field("durationMs", num("durationMs"), "num"),
        Field("requestId", pl.col("requestId")),
        Field("tenantId", pl.col("tenantId")),
        *_COMMON,
    ]
    return lines(df, fields, order * 16 + ORDER_HTTP)


def budget_check_lines(
    rng: np.random.Generator, batch: TraceBatch, sel: I64, names: Names, order: int
) -> pl.DataFrame:
    """The middleware's pre-call budget check (the article's Layer 4): an `llm.`-prefixed line with a
    tenant and dollar amounts that is NOT a model call, to keep ingest classification honest."""
    n = len(sel)
    df = pl.DataFrame(
        {
            "ts": batch.start_ms[sel],
            "tenantId": _take(names.tenants, batch.tenant[sel]),
            "spent": rng.integers(0, 40_000_000, n),
            "limit": np.where(rng.random(n) < 0.5, 5_000_000, 50_000_000),
        }
    )
    fields = [
        Field("ts", ts_rfc3339()),
        Field("level", pl.lit("debug")),
        Field("msg", pl.lit("llm.budget_check")),
        Field("tenantId", pl.col("tenantId")),
        Field("spentUsd", usd("spent"), "num"),
        Field("limitUsd", usd("limit"), "num"),
        *_COMMON,
    ]
    return lines(df, fields, order * 16 + ORDER_HTTP)


def background_lines(rng: np.random.Generator, day_start_ms: int, limit_ms: int, order: int) -> pl.DataFrame:
    """Periodic and sporadic lines of the day: response-cache refreshes every 30 minutes, slow queries."""
    refresh = np.arange(day_start_ms, limit_ms, 1_800_000, dtype=np.int64) + rng.integers(0, 900, 1)
    refresh = refresh[refresh < limit_ms]
    slow_n = int(rng.integers(6, 18))
    slow = np.sort(day_start_ms + rng.integers(0, max(1, limit_ms - day_start_ms), slow_n))
    a = pl.DataFrame(
        {"ts": refresh, "n": rng.integers(800, 2400, len(refresh)), "d": rng.integers(40, 900, len(refresh))}
    )
    b = pl.DataFrame(
        {
            "ts": slow,
            "t": rng.choice(np.array(["tickets", "documents", "audit_log"]), slow_n),
            "d": rng.integers(1200, 9000, slow_n),
        }
    )
    refresh_fields = [
        Field("ts", ts_rfc3339()),
        Field("level", pl.lit("info")),
        Field("msg", pl.lit("cache.refresh")),
        Field("cache", pl.lit("faq_answers")),
        Field("entries", num("n"), "num"),
        Field("durationMs", num("d"), "num"),
        *_COMMON,
    ]
    slow_fields = [
        Field("ts", ts_rfc3339()),
        Field("level", pl.lit("warn")),
        Field("msg", pl.lit("db.slow_query")),
        Field("table", pl.col("t")),
        Field("durationMs", num("d"), "num"),
        *_COMMON,
    ]
    return pl.concat(
        [
            lines(a, refresh_fields, order * 16 + ORDER_BACKGROUND),
            lines(b, slow_fields, order * 16 + ORDER_BACKGROUND + 1),
        ]
    )
