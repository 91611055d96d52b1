"""The manifest's common sections: files, counts per line kind, exact totals and breakdowns."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from llmcost import __version__
from llmcost.synth import catalog as cat
from llmcost.synth.features import EVENTS
from llmcost.synth.manifest import SCHEMA_VERSION, Params
from llmcost.synth.sink import FileStats
from llmcost.synth.traces import OUTCOMES
from llmcost.synth.truth import Truth, _sums, breakdown, daily, money


def iso_ms(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def common(
    params: Params, truth: Truth, files: list[FileStats], out_dir: Path, start_ms: int, end_ms: int, days: int
) -> tuple[dict[str, Any], pl.DataFrame, pl.DataFrame, list[dict[str, Any]]]:
    calls, events = truth.calls(), truth.events()
    n_requests = int(calls["calls"].sum())
    n_events = int(events["events"].sum())
    n_ignored = sum(truth.ignored.values())
    lines = sum(f.lines for f in files)
    if lines != n_requests + n_events + n_ignored:  # the generator's own conservation check
        raise AssertionError(f"wrote {lines} lines but counted {n_requests} + {n_events} + {n_ignored}")
    ev_by = dict(events.group_by("event_name").agg(pl.sum("events")).iter_rows())
    unpriced_models = [m.name for m in cat.MODELS if not m.catalog]
    unpriced = calls.filter(pl.col("model_name").is_in(unpriced_models))
    hits = calls.filter(pl.col("cache_hit"))
    totals = _sums(calls)
    totals.update(
        {
            "cache_hits": int(hits["calls"].sum()),
            "cache_hit_tokens": int(hits["tokens"].sum()),
            "unpriced_requests": int(unpriced["calls"].sum()),
            "unpriced_models": sorted(unpriced["model_name"].unique().to_list()),
            "unpriced_logged_cost_usd": money(int(unpriced["cost"].sum())),
        }
    )
    day_rows = daily(calls, events, days)
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "llmcost.synth", "version": __version__},
        "params": params.as_dict(),
        "window": {"start": iso_ms(start_ms), "end": iso_ms(end_ms), "days": days},
        "files": [f.as_dict(out_dir) for f in files],
        "counts": {
            "lines": lines,
            "llm_request": n_requests,
            "outcome_events": n_events,
            "outcome_by_event": {e: int(ev_by.get(e, 0)) for e in EVENTS},
            "orphan_outcomes": int(events.filter(pl.col("orphan"))["events"].sum()),
            "trace_only_outcomes": int(events.filter(pl.col("trace_only"))["events"].sum()),
            "outcomes_after_window_dropped": truth.events_after_window,
            "ignored": n_ignored,
            "ignored_by_msg": dict(sorted(truth.ignored.items())),
            "rejected": 0,
            "duplicates": 0,
        },
        "totals": totals,
        "by_outcome": {o: v for o, v in breakdown(calls, events, "outcome_name").items() if o in OUTCOMES},
        "by_operation": breakdown(calls, events, "operation"),
        "by_feature": breakdown(calls, events, "feature"),
        "by_model": {
            k: {
                "provider": cat.MODELS[cat.idx(k)].provider,
                "in_catalog": cat.MODELS[cat.idx(k)].catalog,
                **v,
            }
            for k, v in breakdown(calls, events, "model_name").items()
        },
        "by_tenant": breakdown(calls, events, "tenant_id"),
        "daily": day_rows,
        "rate_table": cat.rate_table(),
    }
    return data, calls, events, day_rows
