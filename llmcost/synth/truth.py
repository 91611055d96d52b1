"""Ground truth: what was written, aggregated while it is generated (small cubes, never the rows),
and the observed size of every planted anomaly computed from those cubes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from llmcost.synth import catalog as cat
from llmcost.synth.applog import Events
from llmcost.synth.calendar import DAY_MS
from llmcost.synth.features import EVENTS, KINDS
from llmcost.synth.traces import OUTCOMES, Calls, TraceBatch

TOKENS = ("input", "cached", "cache_write", "output", "reasoning")
_FEATURE_OF_KIND = pl.Series([k.feature for k in KINDS])


_CALL_KEYS = ["day", "tenant", "kind", "model", "outcome", "cache_hit"]
_CALL_SUMS = ["calls", *TOKENS, "cost"]
_EVENT_KEYS = ["day", "tenant", "kind", "event", "orphan", "trace_only"]
_COMPACT_EVERY = 16


def _merge(parts: list[pl.DataFrame], keys: list[str], sums: list[str]) -> pl.DataFrame:
    return pl.concat(parts).group_by(keys).agg(*map(pl.sum, sums)).sort(keys)


def money(micros: int) -> str:
    """Exact USD with six decimals, as a string (JSON numbers would round)."""
    return str(Decimal(int(micros)).scaleb(-6).quantize(Decimal("0.000001")))


@dataclass
class Truth:
    start_ms: int
    tenant_names: list[str]
    _calls: list[pl.DataFrame] = field(default_factory=list)
    _events: list[pl.DataFrame] = field(default_factory=list)
    ignored: Counter[str] = field(default_factory=Counter)
    events_after_window: int = 0

    def add_calls(self, calls: Calls, batch: TraceBatch) -> None:
        t = calls.trace
        df = pl.DataFrame(
            {
                "day": (calls.ts_ms - self.start_ms) // DAY_MS,
                "tenant": batch.tenant[t],
                "kind": batch.kind[t],
                "model": calls.model,
                "outcome": calls.outcome,
                "cache_hit": calls.cache_hit,
                "input": calls.input,
                "cached": calls.cached,
                "cache_write": calls.cache_write,
                "output": calls.output,
                "reasoning": calls.reasoning,
                "cost": calls.cost,
            }
        )
        self._calls.append(df.group_by(_CALL_KEYS).agg(pl.len().alias("calls"), *map(pl.sum, _CALL_SUMS[1:])))
        if len(self._calls) >= _COMPACT_EVERY:  # memory stays flat however long the run
            self._calls = [_merge(self._calls, _CALL_KEYS, _CALL_SUMS)]

    def add_events(self, ev: Events, batch: TraceBatch) -> None:
        df = pl.DataFrame(
            {
                "day": (ev.ts_ms - self.start_ms) // DAY_MS,
                "tenant": batch.tenant[ev.trace],
                "kind": batch.kind[ev.trace],
                "event": ev.event,
                "orphan": ev.orphan,
                "trace_only": ev.request < 0,
            }
        )
        self._events.append(df.group_by(_EVENT_KEYS).agg(pl.len().alias("events")))
        if len(self._events) >= _COMPACT_EVERY:
            self._events = [_merge(self._events, _EVENT_KEYS, ["events"])]

    def tenant_cost(self, tenant: int, lo: int, hi: int) -> int:
        """Micro-USD the tenant spent on days [lo, hi) so far."""
        total = 0
        for df in self._calls:
            part = df.filter((pl.col("tenant") == tenant) & (pl.col("day") >= lo) & (pl.col("day") < hi))
            total += int(part["cost"].sum())
        return total

    def day_tokens(self, day: int) -> tuple[int, int]:
        """(embedding, chat) tokens (input + output) logged on `day` so far."""
        embed = chat = 0
        for df in self._calls:
            part = df.filter(pl.col("day") == day)
            op = cat.OPERATION_OF[part["model"].to_numpy()]
            tokens = (part["input"] + part["output"]).to_numpy()
            embed += int(tokens[op == 1].sum())
            chat += int(tokens[op == 0].sum())
        return embed, chat

    def calls(self) -> pl.DataFrame:
        """The call cube with names: day, tenant, feature, model, provider, operation, outcome, ..."""
        cube = _merge(self._calls, _CALL_KEYS, _CALL_SUMS)
        return cube.with_columns(
            pl.Series("tenant_id", self.tenant_names).gather(cube["tenant"]),
            _FEATURE_OF_KIND.gather(cube["kind"]).alias("feature"),
            pl.Series([m.name for m in cat.MODELS]).gather(cube["model"]).alias("model_name"),
            pl.Series([m.provider for m in cat.MODELS]).gather(cube["model"]).alias("provider"),
            pl.Series([m.operation for m in cat.MODELS]).gather(cube["model"]).alias("operation"),
            pl.Series(list(OUTCOMES)).gather(cube["outcome"]).alias("outcome_name"),
            (pl.col("input") + pl.col("output")).alias("tokens"),
        )

    def events(self) -> pl.DataFrame:
        if not self._events:
            return pl.DataFrame(
                schema={
                    "day": pl.Int64,
                    "tenant": pl.Int64,
                    "kind": pl.Int64,
                    "event": pl.Int64,
                    "orphan": pl.Boolean,
                    "trace_only": pl.Boolean,
                    "events": pl.UInt32,
                    "tenant_id": pl.String,
                    "feature": pl.String,
                    "event_name": pl.String,
                }
            )
        cube = _merge(self._events, _EVENT_KEYS, ["events"])
        return cube.with_columns(
            pl.Series("tenant_id", self.tenant_names).gather(cube["tenant"]),
            _FEATURE_OF_KIND.gather(cube["kind"]).alias("feature"),
            pl.Series(list(EVENTS)).gather(cube["event"]).alias("event_name"),
        )


def _sums(df: pl.DataFrame) -> dict[str, Any]:
    row = df.select(
        pl.sum("calls").alias("requests"), *(pl.sum(c) for c in TOKENS), pl.sum("tokens"), pl.sum("cost")
    ).row(0, named=True)
    return {
        "requests": int(row["requests"] or 0),
        "input_tokens": int(row["input"] or 0),
        "cached_input_tokens": int(row["cached"] or 0),
        "cache_write_tokens": int(row["cache_write"] or 0),
        "output_tokens": int(row["output"] or 0),
        "reasoning_tokens": int(row["reasoning"] or 0),
        "tokens": int(row["tokens"] or 0),
        "cost_usd": money(int(row["cost"] or 0)),
    }


def breakdown(calls: pl.DataFrame, events: pl.DataFrame, by: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ev = dict(events.group_by(by).agg(pl.sum("events")).iter_rows()) if by in events.columns else {}
    for key in sorted(calls[by].unique().to_list()):
        part = _sums(calls.filter(pl.col(by) == key))
        if by in events.columns:
            part["outcome_events"] = int(ev.get(key, 0))
        out[str(key)] = part
    return out


def daily(calls: pl.DataFrame, events: pl.DataFrame, days: int) -> list[dict[str, Any]]:
    """Per-day org totals: what the day-level detectors (error burn, embed surge) look at."""
    d = calls.group_by("day").agg(
        pl.sum("calls").alias("requests"),
        pl.sum("cost"),
        pl.sum("tokens"),
        pl.col("tokens").filter(pl.col("operation") == "embedding").sum().alias("embedding_tokens"),
        pl.col("tokens").filter(pl.col("operation") == "chat").sum().alias("chat_tokens"),
        pl.col("output").filter(pl.col("operation") == "chat").sum().alias("chat_output_tokens"),
        *(pl.col("calls").filter(pl.col("outcome_name") == o).sum().alias(o) for o in OUTCOMES[1:]),
    )
    e = events.group_by("day").agg(pl.sum("events"))
    rows = {r["day"]: r for r in d.iter_rows(named=True)}
    ev = dict(e.iter_rows())
    out = []
    for day in range(days):
        r = rows.get(day)
        if r is None:
            out.append(
                {
                    "day": day,
                    "requests": 0,
                    "cost_usd": money(0),
                    "tokens": 0,
                    "embedding_tokens": 0,
                    "chat_tokens": 0,
                    "chat_output_tokens": 0,
                    "timeout": 0,
                    "rate_limited": 0,
                    "error": 0,
                    "outcome_events": int(ev.get(day, 0)),
                }
            )
            continue
        out.append(
            {
                "day": day,
                "requests": int(r["requests"]),
                "cost_usd": money(int(r["cost"])),
                "tokens": int(r["tokens"]),
                "embedding_tokens": int(r["embedding_tokens"]),
                "chat_tokens": int(r["chat_tokens"]),
                "chat_output_tokens": int(r["chat_output_tokens"]),
                **{o: int(r[o]) for o in OUTCOMES[1:]},
                "outcome_events": int(ev.get(day, 0)),
            }
        )
    return out


def tenant_daily_cost(calls: pl.DataFrame, days: int, n_tenants: int) -> np.ndarray:
    """(tenants, days) micro-USD."""
    out = np.zeros((n_tenants, days), dtype=np.int64)
    agg = calls.filter(pl.col("day") < days).group_by("tenant", "day").agg(pl.sum("cost"))
    out[agg["tenant"].to_numpy(), agg["day"].to_numpy()] = agg["cost"].to_numpy()
    return out
