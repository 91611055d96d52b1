"""One synthetic month (every planted anomaly), a rejected line and a conflicting duplicate,
ingested once; and one Spark session for every `spark` test."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SINCE, UNTIL = "2026-10-01", "2026-10-31"
# the days the planted anomalies fire (llmcost.synth manifest for seed 11): every rule has work
ALERT_DAYS = ("2026-10-02", "2026-10-04", "2026-10-12", "2026-10-14", "2026-10-20", "2026-10-27")
CONFIG = """\
[budgets]
org_monthly_usd = 26

[alerts.tenant_spike]
min_daily_usd = 0.1
"""


@dataclass(frozen=True)
class Built:
    db: Path
    config: Path

    def args(self) -> list[str]:
        return ["--db", str(self.db), "--config", str(self.config)]


def _oddities(line: str) -> str:
    """A line no format reads, a request logged twice with different tokens (a conflict), and a
    tenant first seen on the day of the spike (named by tenant-spike, not alerted)."""
    again = dict(json.loads(line), outputTokens=json.loads(line)["outputTokens"] + 7)
    newcomer = [
        dict(
            json.loads(line),
            ts=f"2026-10-20T1{i}:00:00Z",
            requestId=f"newcomer-{i}",
            traceId=f"newcomer-{i}",
            tenantId="tenant_newcomer",
            provider="anthropic",
            model="claude-sonnet-4",
            operation="chat",
            inputTokens=60_000,
            outputTokens=2_000,
        )
        for i in range(3)
    ]
    lines = ['{"ts": 1760000000, "this is": not json', line, json.dumps(again), *map(json.dumps, newcomer)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    from llmcost.cli import main
    from llmcost.synth import generate

    root = tmp_path_factory.mktemp("engine")
    manifest = generate(root / "logs", seed=11, requests=3000, days=30, tenants=40)
    requests = [ln for ln in manifest.files[0].read_text("utf-8").splitlines() if "llm.request" in ln]
    odd = root / "odd.jsonl"
    odd.write_text(_oddities(requests[-1]), "utf-8")
    config = root / "llmcost.toml"
    config.write_text(CONFIG, "utf-8")
    built = Built(root / "warehouse.duckdb", config)
    assert main(["ingest", *map(str, manifest.files), *built.args(), "--quiet"]) == 0
    assert main(["ingest", str(odd), *built.args(), "--quiet"]) in (0, 1)
    return built


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from llmcost.warehouse.engine import spark_session

    yield spark_session("local[2]")


@pytest.fixture(scope="session")
def tables(built: Built) -> Iterator[dict[str, list[str]]]:
    """The warehouse's {table: [Parquet files]}: its segments, its small tables copied out."""
    from llmcost.warehouse import engine, reader

    with contextlib.ExitStack() as stack:
        wh = stack.enter_context(reader(built.db))
        yield stack.enter_context(engine.warehouse_tables(wh.con, wh.segment_dir))


@pytest.fixture(scope="session")
def plans_config(built: Built) -> Path:
    """The parity config plus [plans]: a billing table (a SQLite file) pricing every other tenant
    of the warehouse (the rest have cost and no price), so `margin` has work on every path."""
    import sqlite3

    from llmcost.queries.session import prepare
    from llmcost.warehouse import reader

    with reader(built.db) as wh:
        sql = "SELECT DISTINCT tenant_id FROM requests WHERE tenant_id IS NOT NULL ORDER BY 1"
        tenants = [r[0] for r in prepare(wh).execute(sql).fetchall()]
    billing = built.db.parent / "billing.db"
    with contextlib.closing(sqlite3.connect(billing)) as db:
        db.execute(
            "CREATE TABLE plans (tenant_id TEXT, plan TEXT, monthly_price_usd NUMERIC, llm_budget_usd NUMERIC)"
        )
        rows = [
            (t, ("pro", "starter")[i % 3 == 0], (499, 49)[i % 3 == 0], None) for i, t in enumerate(tenants)
        ]
        db.executemany("INSERT INTO plans VALUES (?, ?, ?, ?)", rows[::2])
        db.commit()
    config = built.db.parent / "plans.toml"
    plans = f'\n[plans]\ndatabase = "sqlite:///{billing}"\nquery = "SELECT tenant_id, plan, monthly_price_usd, llm_budget_usd FROM plans"\n'
    config.write_text(CONFIG + plans, "utf-8")
    return config
