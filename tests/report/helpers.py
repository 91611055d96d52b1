"""Shared by the report and query tests: run the CLI in-process, build warehouses from real log
files, and an independent reference computation over the raw lines (plain Python + Decimal)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parent / "data"
APP_LOG = DATA / "app.jsonl"
GOLDEN = Path(__file__).resolve().parent / "golden"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`llmcost ARGS` in-process: (exit code, stdout, stderr)."""
    from llmcost.cli import main

    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def build_warehouse(db: Path, *logs: Path, reprice: bool = False) -> Path:
    """A real warehouse file (DuckDB + Parquet segments) from log files, via the CLI's own code."""
    from llmcost.cli import main

    config = db.parent / "empty.toml"
    db.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("", "utf-8")
    code = main(["ingest", *map(str, logs), "--db", str(db), "--config", str(config), "--quiet"])
    assert code == 0
    if reprice:
        assert main(["reprice", "--db", str(db), "--config", str(config), "--json"]) == 0
    return db


# -- the independent reference: the log lines themselves ----------------------------------------


@dataclass
class Reference:
    """Requests and outcome events as the middleware logged them, first occurrence of an id wins
    (the warehouse's documented rule), computed without DuckDB, polars or llmcost."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_lines(cls, *paths: Path, events: tuple[str, ...] = ("draft_accepted",)) -> Reference:
        import gzip

        ref = cls()
        seen: set[str] = set()
        for path in paths:
            data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            for raw in data.splitlines():
                try:
                    rec = json.loads(raw, parse_float=Decimal)
                except ValueError:
                    continue
                if not isinstance(rec, dict):
                    continue
                if rec.get("msg") == "llm.request":
                    if not isinstance(rec.get("inputTokens"), int) or rec["requestId"] in seen:
                        continue
                    seen.add(rec["requestId"])
                    ref.requests.append(rec)
                elif rec.get("msg") in events:
                    ref.events.append(rec)
        return ref

    @staticmethod
    def cost(rec: dict[str, Any]) -> Decimal | None:
        value = rec.get("costUsd")
        return None if value is None else Decimal(str(value))

    def spend_by(self, key: str) -> dict[Any, dict[str, Any]]:
        out: dict[Any, dict[str, Any]] = defaultdict(
            lambda: {"requests": 0, "cost": Decimal(0), "unpriced": 0, "input": 0, "output": 0, "failures": 0}
        )
        for r in self.requests:
            row = out[r.get(key)]
            row["requests"] += 1
            row["input"] += r["inputTokens"]
            row["output"] += r["outputTokens"]
            row["failures"] += r["outcome"] in ("error", "timeout", "rate_limited", "cancelled")
            c = self.cost(r)
            if c is None:
                row["unpriced"] += 1
            else:
                row["cost"] += c
        return dict(out)

    def events_by(self, key: str) -> dict[Any, int]:
        out: dict[Any, int] = defaultdict(int)
        for e in self.events:
            out[e.get(key)] += 1
        return dict(out)

    def traced(self) -> tuple[dict[Any, Decimal], dict[Any, int], dict[Any, int]]:
        """Trace attribution by tenant: (traced cost, matched events, orphan events); a workflow
        with several events is costed once, under its first event's tenant."""
        by_trace: dict[str, list[dict[str, Any]]] = defaultdict(list)
        by_id = {r["requestId"]: r for r in self.requests}
        for r in self.requests:
            if r.get("traceId"):
                by_trace[r["traceId"]].append(r)
        workflows: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        orphans: dict[Any, int] = defaultdict(int)
        for e in sorted(self.events, key=lambda e: e["ts"]):
            if e.get("traceId"):
                key = ("trace", e["traceId"])
            elif e.get("requestId") in by_id and by_id[e["requestId"]].get("traceId"):
                key = ("trace", by_id[e["requestId"]]["traceId"])
            elif e.get("requestId"):
                key = ("request", e["requestId"])
            else:
                orphans[e.get("tenantId")] += 1
                continue
            workflows[key].append(e)
        cost: dict[Any, Decimal] = defaultdict(Decimal)
        matched: dict[Any, int] = defaultdict(int)
        for (kind, k), evs in workflows.items():
            calls = by_trace.get(k, []) if kind == "trace" else [by_id[k]] if k in by_id else []
            tenant = evs[0].get("tenantId")
            if not calls:
                orphans[tenant] += len(evs)
                continue
            matched[tenant] += len(evs)
            cost[tenant] += sum((self.cost(c) or Decimal(0) for c in calls), Decimal(0))
        return dict(cost), dict(matched), dict(orphans)
