"""runaway-trace reads its baseline days only when some trace of the span is past a floor
(runaway_candidates.sql, llmcost/alerts/traces.py): on the hand-made agent logs
(tests/alerts/trace_logs.py), under floors that let each arm fire or not, the full statement names
a trace only when the cheap count found a candidate, and the rule's answer is the full statement's."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from llmcost.alerts.config import RunawayTraceConfig
from llmcost.alerts.model import day_start
from llmcost.alerts.traces import SQL, runaway_trace
from llmcost.pricing.modes import cost_sql
from llmcost.queries.session import prepare
from llmcost.warehouse import reader
from tests.alerts.trace_logs import D, build

# (min_calls, min_usd, burst_calls): the defaults; floors above every trace; floors that the
# loop's calls (300) or cost ($15) or the burst (150 calls in 10 minutes) pass alone; a burst
# limit under the quiet traces' calls (3 to 6)
FLOORS = [
    (10, Decimal(1), 100),
    (1000, Decimal(100), 1000),
    (200, Decimal(100), 1000),
    (1000, Decimal(10), 1000),
    (1000, Decimal(100), 149),
    (1000, Decimal(100), 4),
    (1, Decimal(0), 2),
]


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {w: build(tmp_path_factory.mktemp(w), w)[0] for w in ("planted", "quiet")}


@pytest.mark.parametrize("which", ["planted", "quiet"])
@pytest.mark.parametrize(("min_calls", "min_usd", "burst_calls"), FLOORS)
def test_no_candidate_means_nothing_to_name(
    logs: dict[str, Path], which: str, min_calls: int, min_usd: Decimal, burst_calls: int
) -> None:
    cfg = RunawayTraceConfig(min_calls=min_calls, min_usd=min_usd, burst_calls=burst_calls, factor=1.5)
    cost = cost_sql("logged")
    with reader(logs[which]) as wh:
        con = prepare(wh)
        for day in (D - timedelta(days=1), D, D + timedelta(days=1)):
            since, until = day_start(day), day_start(day + timedelta(days=1))
            params = {
                "since": since,
                "until": until,
                "base_since": since - timedelta(days=cfg.baseline_days),
                "factor": cfg.factor,
                "min_traces": cfg.min_baseline_traces,
                "min_calls": cfg.min_calls,
                "min_cost": cfg.min_usd,
                "burst_calls": cfg.burst_calls,
                "burst_us": int(cfg.burst_minutes * 60_000_000),
                "limit": cfg.max_alerts + 1,
            }
            ((candidates,),) = SQL.run(con, "runaway_candidates", params, cost=cost)
            full = SQL.run(con, "runaway_traces", params, cost=cost)
            if not candidates:
                assert full == [], (day, params)
            named = [a.subject for a in runaway_trace(con, cfg, since, until, cost).alerts]
            assert named == [str(r[0]) for r in full[: cfg.max_alerts]], day


def test_the_floors_do_find_candidates(logs: dict[str, Path]) -> None:
    """The comparison above means something: the planted day has candidates and fires, the quiet one
    has none under the default floors."""
    cfg = RunawayTraceConfig()
    since, until = day_start(D), day_start(D + timedelta(days=1))
    for which, fired in (("planted", ["loop-1", "burst-1"]), ("quiet", [])):
        with reader(logs[which]) as wh:
            result = runaway_trace(prepare(wh), cfg, since, until, cost_sql("logged"))
        assert [a.subject for a in result.alerts] == fired
