"""What a generator run was asked for (Params) and what it wrote (Manifest, the ground truth)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

MANIFEST_NAME = "manifest.json"
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
    def budget_usd(self) -> int:
        return int(self.data["budget"]["org_monthly_usd"])


def write_manifest(out_dir: Path, data: dict[str, Any]) -> Manifest:
    path = out_dir / MANIFEST_NAME
    tmp = path.with_suffix(".json.tmp")
    tmp.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
    tmp.replace(path)
    return Manifest(path, data)
