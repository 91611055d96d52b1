"""Hand-made agent logs for the trace-scale rules and `llmcost traces`, with every number worked out here.

Day D (2026-03-10). Costs are logged (cost mode logged), so every dollar below is exact.

Baseline, D-7 .. D-1: feature `agent`, 10 traces a day of 4 calls at $0.10 each -> 70 traces, every
one 4 calls and $0.40: the feature's p99 trace is 4 calls and $0.40.

Quiet, on D (`quiet()` is only these, and must raise nothing):
- 20 `agent` traces q-0 .. q-19 (tenant t_agent), trace k at 08:00 + k x 30 min: 3 + k % 4 calls
  (3, 4, 5, 6: five each) 20 s apart at $0.10 -> $0.30 .. $0.60, all under 3 x $0.40 = $1.20 and
  3 x 4 = 12 calls; its first call rate_limited (one failure per half hour: no storm).
- an outcome event task_completed on trace q-0.
- session sess-ok (tenant t_sess, feature chat): 2 traces so-0, so-1 of 3 calls, 10,000 + 1,000
  tokens and $0.01 each -> 66,000 tokens, $0.06.

Planted, on D (`planted()` = quiet + these):
- runaway loop: trace loop-1, session sess-loop, tenant t_loop, feature agent: 300 calls from
  14:00:00, 2 s apart (last 14:09:58), 1,000 + 100 tokens and $0.05 each -> $15.00, 330,000 tokens.
  Cost arm: $15.00 > 3 x $0.40 = $1.20 (baseline $0.40); also 300 calls > 100 within 10 minutes.
- burst without a baseline: trace burst-1, tenant t_batch, feature batch (no baseline days):
  150 calls from 09:00:00, 1 s apart, $0.001 each -> $0.15 (under the $1 floor): only the burst
  arm fires, 150 calls within 10 minutes (> 100).
- retry storm: tenant t_storm, feature search: 40 failed calls from 15:00:00, 5 s apart (last
  15:03:15), even ones rate_limited at $0, odd ones timeout at $0.01 -> 40 failures within 5
  minutes (>= 30), $0.20 burnt; in traces st-0 .. st-9 (4 failures each: no trace storm); plus 5
  successes at 15:01:00 .. 15:01:04 at $0.02 -> the storm's minutes cost t_storm/search $0.30 in
  45 calls.
- trace storm: trace tr-storm (tenant t_quiet, feature chat): 12 errors from 16:00:00, 10 s apart
  ($0): 12 >= 10 for one trace, while t_quiet/chat's 12 < 30.
- session over budget: sess-big (tenant t_sess, feature chat): traces sb-0 .. sb-2 of 5 calls from
  17:00, 100,000 + 10,000 tokens and $0.50 each -> 1,650,000 tokens, $7.50: over a 1,000,000-token
  budget (and under $20). sess-loop: 330,000 tokens, $15.00: under both.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

D = date(2026, 3, 10)
SESSION_CONFIG = "[alerts.session_budget]\nmax_tokens = 1000000\nmax_usd = 20\n"


def at(day: date, h: int, m: int = 0, s: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, h, m, s, tzinfo=UTC)


class Calls:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.n = 0

    def call(
        self,
        ts: datetime,
        trace: str,
        *,
        cost: float,
        tenant: str = "t_agent",
        feature: str = "agent",
        session: str | None = None,
        outcome: str = "success",
        tokens: tuple[int, int] = (1000, 100),
    ) -> None:
        self.n += 1
        rec: dict[str, Any] = {
            "ts": ts.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "msg": "llm.request",
            "requestId": f"r-{self.n:06d}",
            "traceId": trace,
            "tenantId": tenant,
            "feature": feature,
            "provider": "openai",
            "model": "gpt-4.1",
            "inputTokens": tokens[0] if outcome == "success" else 0,
            "outputTokens": tokens[1] if outcome == "success" else 0,
            "latencyMs": 900,
            "outcome": outcome,
            "costUsd": cost,
        }
        if session is not None:
            rec["sessionId"] = session
        self.lines.append(json.dumps(rec))

    def event(self, ts: datetime, name: str, trace: str) -> None:
        self.n += 1
        rec = {
            "ts": ts.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "msg": name,
            "eventId": f"e-{self.n}",
            "traceId": trace,
        }
        self.lines.append(json.dumps(rec))

    def write(self, path: Path) -> Path:
        path.write_text("\n".join(self.lines) + "\n", "utf-8")
        return path


def quiet(c: Calls) -> None:
    for back in range(1, 8):
        day = D - timedelta(days=back)
        for k in range(10):
            start = at(day, 9 + k)
            for i in range(4):
                c.call(start + timedelta(seconds=20 * i), f"b-{back}-{k}", cost=0.10)
    for k in range(20):
        start = at(D, 8) + timedelta(minutes=30 * k)
        for i in range(3 + k % 4):
            c.call(
                start + timedelta(seconds=20 * i),
                f"q-{k}",
                cost=0.10,
                outcome="rate_limited" if i == 0 else "success",
            )
    c.event(at(D, 8, 5), "task_completed", "q-0")
    for t in range(2):
        for i in range(3):
            c.call(
                at(D, 11, t) + timedelta(seconds=i),
                f"so-{t}",
                cost=0.01,
                tenant="t_sess",
                feature="chat",
                session="sess-ok",
                tokens=(10_000, 1_000),
            )


def planted(c: Calls) -> None:
    quiet(c)
    for i in range(300):
        c.call(
            at(D, 14) + timedelta(seconds=2 * i), "loop-1", cost=0.05, tenant="t_loop", session="sess-loop"
        )
    for i in range(150):
        c.call(at(D, 9) + timedelta(seconds=i), "burst-1", cost=0.001, tenant="t_batch", feature="batch")
    for i in range(40):
        c.call(
            at(D, 15) + timedelta(seconds=5 * i),
            f"st-{i // 4}",
            cost=0.0 if i % 2 == 0 else 0.01,
            tenant="t_storm",
            feature="search",
            outcome="rate_limited" if i % 2 == 0 else "timeout",
        )
    for i in range(5):
        c.call(at(D, 15, 1, i), f"st-ok-{i}", cost=0.02, tenant="t_storm", feature="search")
    for i in range(12):
        c.call(
            at(D, 16) + timedelta(seconds=10 * i),
            "tr-storm",
            cost=0.0,
            tenant="t_quiet",
            feature="chat",
            outcome="error",
        )
    for t in range(3):
        for i in range(5):
            c.call(
                at(D, 17, t, i),
                f"sb-{t}",
                cost=0.50,
                tenant="t_sess",
                feature="chat",
                session="sess-big",
                tokens=(100_000, 10_000),
            )


def build(root: Path, which: str) -> tuple[Path, Path]:
    """A real warehouse of the `which` log (quiet or planted) and a config (logged costs, a session
    budget): (db, config)."""
    from tests.alerts.conftest import ingest

    c = Calls()
    (planted if which == "planted" else quiet)(c)
    config = root / "llmcost.toml"
    config.write_text('[pricing]\ncost_mode = "logged"\n' + SESSION_CONFIG, "utf-8")
    db = root / "w.duckdb"
    ingest(db, [c.write(root / "agents.jsonl")], config)
    return db, config
