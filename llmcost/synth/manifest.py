"""What a generator run was asked for (Params) and what it wrote (Manifest, the ground truth).

manifest.json (schema_version 1) holds:
- params, window {start, end, days} (end exclusive; every line's ts is inside), generator version;
- files: path (relative), lines, bytes (uncompressed), compressed_bytes, first_ts, last_ts, oldest first;
- counts: lines = llm_request + outcome_events + ignored; outcome_by_event; orphan_outcomes (reference
  no logged request or trace); trace_only_outcomes (no requestId); ignored_by_msg; rejected and
  duplicates (always 0: the generator writes no bad lines);
- totals: requests, input/cached_input/cache_write/output/reasoning tokens (DESIGN.md semantics),
  tokens (input + output), cost_usd (the exact sum of costUsd, a string), cache_hits (and the tokens
  they stand for), unpriced_requests and unpriced_models (not in genai-prices) with their logged cost;
- by_outcome, by_operation, by_feature, by_model, by_tenant: the same sums per key (plus outcome_events
  for features and tenants); daily: per-day org totals incl. embedding/chat tokens and failures;
- tenants [{tenant_id, plan, weight}], plans {plan: {daily_usd}}, prompt_versions (deploys), budget;
- anomalies: requested, planted (each with kind, date, subject, observed values, meets_rule), skipped
  (with reasons), rules, spike_noise (the floor above which no other tenant-day looks like a spike);
- rate_table: the middleware's USD-per-1M rates behind costUsd; article: the worked example's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

# A dot-file, so `llmcost ingest OUT_DIR` (which skips hidden files) does not read it as a log.
MANIFEST_NAME = ".manifest.json"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Params:
    seed: int = 7
    start: date = date(2026, 10, 1)
    days: int = 30
    requests: int = 50_000
    tenants: int = 120
    anomalies: tuple[str, ...] = ()
    scenario: str = "month"
    gzip: bool = False
    files: int | str = 1  # a number of rotated files, or "day"

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "start": self.start.isoformat(),
            "days": self.days,
            "requests": self.requests,
            "tenants": self.tenants,
            "anomalies": list(self.anomalies),
            "scenario": self.scenario,
            "gzip": self.gzip,
            "files": self.files,
        }


@dataclass(frozen=True)
class Manifest:
    """The manifest.json of a generated directory: counts, exact totals, planted anomalies."""

    path: Path
    data: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> Manifest:
        path = path / MANIFEST_NAME if path.is_dir() else path
        return cls(path, orjson.loads(path.read_bytes()))

    @property
    def out_dir(self) -> Path:
        return self.path.parent

    @property
    def files(self) -> list[Path]:
        """The log files, oldest first (the manifest itself is not one of them)."""
        return [self.out_dir / f["path"] for f in self.data["files"]]

    @property
    def counts(self) -> dict[str, Any]:
        return dict(self.data["counts"])

    @property
    def totals(self) -> dict[str, Any]:
        return dict(self.data["totals"])

    @property
    def planted(self) -> list[dict[str, Any]]:
        return list(self.data["anomalies"]["planted"])

    def anomaly(self, kind: str) -> dict[str, Any] | None:
        return next((a for a in self.planted if a["kind"] == kind), None)

    @property
    def budget_usd(self) -> int | None:
        """The org monthly budget the budget-pace anomaly is sized against (None: no budget)."""
        value = self.data["budget"]["org_monthly_usd"]
        return None if value is None else int(value)


def write_manifest(out_dir: Path, data: dict[str, Any]) -> Manifest:
    path = out_dir / MANIFEST_NAME
    tmp = path.with_suffix(".json.tmp")
    tmp.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
    tmp.replace(path)
    return Manifest(path, data)
