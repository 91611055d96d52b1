"""Planted logs for the comparison tests, and their figures worked out by hand from the plant.

Four weeks of one copilot, 200 workflows a week, each two calls and (three in four) one
draft_accepted event; the second call of every tenth workflow times out:

- week 1 (from 2026-05-04): prompt v3, input tokens per call 1000 x (1 + 0.1 x (i mod 5));
- week 2 (from 2026-05-11): prompt v4, the same with 40% more input tokens (1400 x ...), the
  same outputs, outcomes and events;
- weeks 3 and 4 (from 2026-05-18 and 2026-05-25): prompt v5, week 1's numbers both weeks, the
  workflows in another order in week 4: nothing changed.

Cost is logged per call: $2 per million input tokens, $10 per million output tokens (tests read
with --cost logged, so the catalog plays no part).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

TRACES = 200
INPUT_PRICE = Decimal("0.000002")
OUTPUT_PRICE = Decimal("0.00001")
OUTPUT = 200
NANO = Decimal("0.000000001")

WEEKS = (
    ("v3", datetime(2026, 5, 4, tzinfo=UTC), 1000, False),
    ("v4", datetime(2026, 5, 11, tzinfo=UTC), 1400, False),
    ("v5", datetime(2026, 5, 18, tzinfo=UTC), 1000, False),
    ("v5", datetime(2026, 5, 25, tzinfo=UTC), 1000, True),
)


@dataclass
class Side:
    """One week's figures, summed from the planted calls (plain Python, no llmcost)."""

    requests: int = 0
    traces: int = 0
    failures: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: Decimal = Decimal(0)
    events: int = 0
    tenant_cost: dict[str, Decimal] | None = None


def nano(x: Decimal) -> Decimal:
    return x.quantize(NANO, rounding=ROUND_HALF_EVEN)


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_logs(path: Path) -> dict[str, list[Side]]:
    """The log file, and per prompt version the figures of each of its weeks."""
    lines: list[str] = []
    sides: dict[str, list[Side]] = {}
    for week, (version, start, base, shuffled) in enumerate(WEEKS):
        side = Side(tenant_cost={})
        order = list(range(TRACES))
        if shuffled:
            order = order[1::2] + order[0::2]
        for slot, i in enumerate(order):
            trace = f"w{week}-t{i:03d}"
            tenant = f"tenant_{i % 3}"
            at = start + timedelta(minutes=30 * slot)
            side.traces += 1
            for call in range(2):
                inp = base + base * (i % 5) // 10
                outcome = "timeout" if call == 1 and i % 10 == 0 else "success"
                cost = inp * INPUT_PRICE + OUTPUT * OUTPUT_PRICE
                lines.append(
                    json.dumps(
                        {
                            "ts": _iso(at + timedelta(seconds=10 * call)),
                            "msg": "llm.request",
                            "requestId": f"{trace}-c{call}",
                            "traceId": trace,
                            "tenantId": tenant,
                            "userId": "u1",
                            "feature": "copilot",
                            "provider": "openai",
                            "model": "gpt-4.1",
                            "operation": "chat",
                            "inputTokens": inp,
                            "outputTokens": OUTPUT,
                            "outcome": outcome,
                            "costUsd": float(cost),
                            "promptVersion": version,
                        }
                    )
                )
                side.requests += 1
                side.failures += outcome != "success"
                side.input_tokens += inp
                side.output_tokens += OUTPUT
                side.cost += cost
                assert side.tenant_cost is not None
                side.tenant_cost[tenant] = side.tenant_cost.get(tenant, Decimal(0)) + cost
            if i % 4:
                side.events += 1
                lines.append(
                    json.dumps(
                        {
                            "ts": _iso(at + timedelta(seconds=30)),
                            "msg": "draft_accepted",
                            "traceId": trace,
                            "tenantId": tenant,
                            "feature": "copilot",
                        }
                    )
                )
        sides.setdefault(version, []).append(side)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return sides


def build(root: Path) -> tuple[Path, dict[str, list[Side]]]:
    """A real warehouse ingested from the planted log by the CLI's own code."""
    from llmcost.cli import main

    root.mkdir(parents=True, exist_ok=True)
    sides = write_logs(root / "app.jsonl")
    config = root / "empty.toml"
    config.write_text("", "utf-8")
    db = root / "w.duckdb"
    assert main(["ingest", str(root / "app.jsonl"), "--db", str(db), "--config", str(config), "--quiet"]) == 0
    return db, sides
