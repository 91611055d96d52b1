"""Fixtures for the alert tests: an isolated LLMCOST_HOME, and real warehouses (DuckDB + Parquet
segments, ingested by the CLI) from synthetic months with and without planted anomalies."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from llmcost.synth import Manifest, generate

# Big enough that the spike floor separates the planted spike (~$5/day) from small tenants' noisy
# days (< $1), small enough to generate and ingest in a few seconds.
SEED = 5
REQUESTS = 30_000
SPIKE_FLOOR_USD = 2.5


@pytest.fixture(autouse=True)
def _home(monkeypatch: pytest.MonkeyPatch) -> None:
    """The isolation itself is tests/conftest.py's; these tables are 160 columns wide."""
    monkeypatch.setenv("COLUMNS", "160")


@dataclass(frozen=True)
class Month:
    """A generated month ingested into a warehouse, with the config the tests evaluate it under."""

    manifest: Manifest
    db: Path
    config: Path

    def anomaly(self, kind: str) -> dict[str, Any]:
        found = self.manifest.anomaly(kind)
        assert found is not None, f"{kind} was not planted"
        return found

    def cli_args(self) -> list[str]:
        return ["--db", str(self.db), "--config", str(self.config)]


def ingest(db: Path, files: list[Path], config: Path) -> None:
    import llmcost.cli.alerts  # noqa: F401  (registers `alerts` until the CLI imports it itself)
    from llmcost.cli import main

    assert main(["ingest", *map(str, files), "--db", str(db), "--config", str(config), "--quiet"]) == 0


def write_config(root: Path, manifest: Manifest) -> Path:
    """Logged costs (the generator's truth), the spike floor for this scale, the manifest's org budget,
    plans and tenant → plan mapping (as a CSV file, as a billing system would export it)."""
    tenants = root / "tenants.csv"
    with tenants.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["tenant_id", "plan", "weight"])
        for t in manifest.data["tenants"]:
            w.writerow([t["tenant_id"], t["plan"], t["weight"]])
    plans = "\n".join(
        f"{name} = {{ daily_usd = {p['daily_usd']} }}" if p["daily_usd"] is not None else f"{name} = {{}}"
        for name, p in manifest.data["plans"].items()
    )
    config = root / "llmcost.toml"
    config.write_text(
        f"""
[pricing]
cost_mode = "logged"

[alerts.tenant_spike]
min_daily_usd = {SPIKE_FLOOR_USD}

[alerts.feature_regression]
actions = {{ copilot = "disable feature=copilot via flag AI_COPILOT" }}

[alerts.session_budget]
max_usd = 5

[alerts.webhook]
retries = 2
backoff_s = 0.01
timeout_s = 5

[budgets]
org_monthly_usd = {manifest.budget_usd}
tenants_file = "tenants.csv"

[budgets.plans]
{plans}
""",
        "utf-8",
    )
    return config


def _month(root: Path, anomalies: str) -> Month:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LLMCOST_HOME", str(root))
        mp.chdir(root)
        manifest = generate(root / "logs", seed=SEED, requests=REQUESTS, anomalies=anomalies)
        config = write_config(root, manifest)
        db = root / "warehouse.duckdb"
        ingest(db, manifest.files, config)
    return Month(manifest, db, config)


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Month:
    return _month(tmp_path_factory.mktemp("planted"), "all")


@pytest.fixture(scope="session")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Month:
    return _month(tmp_path_factory.mktemp("quiet"), "none")
