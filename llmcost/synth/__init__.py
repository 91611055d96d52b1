"""Realistic synthetic middleware logs, seeded and deterministic, for the demo, tests and benchmarks.

    from llmcost.synth import generate
    manifest = generate(Path("/tmp/logs"), seed=7, requests=50_000, anomalies="all")
    manifest.files, manifest.counts, manifest.totals, manifest.anomaly("spike")

Scenarios: `month` (a month of a multi-tenant SaaS: copilot, ticket summaries, a classifier, RAG search;
optional planted anomalies) and `article` (the source article's worked example, to the cent).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from llmcost.synth.anomalies import ANOMALIES, parse_anomalies, place
from llmcost.synth.calendar import day_weights, epoch_ms, month_window
from llmcost.synth.manifest import MANIFEST_NAME, Manifest, Params, write_manifest
from llmcost.synth.sink import Sink, file_names

__all__ = [
    "ANOMALIES",
    "MANIFEST_NAME",
    "SCENARIOS",
    "Manifest",
    "Params",
    "generate",
    "month_window",
    "parse_anomalies",
]

# Called after each generated day with (days done, days in all).
Progress = Callable[[int, int], None]

SCENARIOS = ("month", "article")
DEFAULT_START = date(2026, 10, 1)


def generate(
    out_dir: Path,
    *,
    seed: int = 7,
    start: date = DEFAULT_START,
    days: int = 30,
    requests: int = 50_000,
    tenants: int = 120,
    anomalies: str | list[str] | tuple[str, ...] | None = "all",
    scenario: str = "month",
    gzip: bool = False,
    files: int | str = 1,
    progress: Progress | None = None,
) -> Manifest:
    """Write synthetic logs and `.manifest.json` under `out_dir`; the same arguments always give
    byte-identical files. `requests` is the approximate number of `llm.request` lines; `files` is a
    number of rotated files (`app.log`, `app.log.1`, ...) or `"day"` (`app-YYYY-MM-DD.jsonl`).
    For a month that ends on a given day, take `start, days = month_window(end)`."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
    if files != "day" and (not isinstance(files, int) or files < 1):
        raise ValueError("files must be a positive number or 'day'")
    if scenario == "article":
        from llmcost.synth.article import ARTICLE_DAYS, run_article

        params = Params(seed, start, ARTICLE_DAYS, 12_400, 85, (), "article", gzip, files)
        return _write(out_dir, params, lambda sink: run_article(params, sink))
    if days < 1 or requests < 1 or tenants < 1:
        raise ValueError("days, requests and tenants must be positive")
    wanted = parse_anomalies(anomalies)
    params = Params(seed, start, days, requests, tenants, wanted, "month", gzip, files)
    return _write(out_dir, params, lambda sink: _month(params, sink, progress))


def _month(params: Params, sink: Sink, progress: Progress | None = None) -> dict[str, Any]:
    from llmcost.synth import observe
    from llmcost.synth.month import run_month
    from llmcost.synth.roster import PLANS
    from llmcost.synth.summary import common, iso_ms
    from llmcost.synth.truth import Truth
    from llmcost.synth.world import build_world

    plan = place(params.start, params.days, params.anomalies)
    weights = day_weights(params.start, params.days, np.random.default_rng([params.seed, 3]))
    world = build_world(
        params.seed, params.start, params.days, params.requests, params.tenants, plan, weights
    )
    truth = Truth(world.start_ms, world.tenant_names)
    run_month(world, params.seed, sink, truth, progress)
    stats = sink.close()
    data, calls, events, day_rows = common(
        params, truth, stats, sink.out_dir, world.start_ms, world.end_ms, world.days
    )
    anomalies = observe.planted(world, calls, events, day_rows)
    data["budget"] = anomalies.pop("budget")
    data["anomalies"] = anomalies
    plans = world.roster.plan + (["enterprise"] if world.new_tenant is not None else [])
    weight = list(world.roster.weight) + ([0.0] if world.new_tenant is not None else [])
    data["plans"] = {p: {"daily_usd": v} for p, v in PLANS.items()}
    data["tenants"] = [
        {"tenant_id": t, "plan": p, "weight": round(float(w), 6)}
        for t, p, w in zip(world.tenant_names, plans, weight, strict=True)
    ]
    data["prompt_versions"] = [
        {"feature": c.feature, "at": iso_ms(c.at_ms), "version": c.label} for c in world.changes
    ]
    return data


def _write(out_dir: Path, params: Params, body: Any) -> Manifest:
    start_ms = epoch_ms(params.start)
    end_ms = start_ms + params.days * 86_400_000
    names, bounds = file_names(params.files, start_ms, end_ms, params.gzip)
    out_dir.mkdir(parents=True, exist_ok=True)
    sink = Sink(out_dir, names, bounds, params.gzip)
    try:
        data = body(sink)
    except BaseException:
        sink.abort()
        raise
    return write_manifest(out_dir, data)
