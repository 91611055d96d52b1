"""What an ingest run returns: counts per batch, file and run, as data (report/ingest.py shows them).

Every line read lands in exactly one bucket, so `read = loaded + duplicate + ignored + rejected`
holds for each batch, each file and each run (`residual` is 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from llmcost.ingest.discover import Skipped


@dataclass
class Counts:
    read: int = 0
    loaded_requests: int = 0
    loaded_outcomes: int = 0
    duplicate: int = 0
    ignored: int = 0
    rejected: int = 0
    conflicting: int = 0
    naive_ts: int = 0
    bytes: int = 0

    @property
    def loaded(self) -> int:
        return self.loaded_requests + self.loaded_outcomes

    @property
    def residual(self) -> int:
        return self.read - self.loaded - self.duplicate - self.ignored - self.rejected

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class FileResult:
    display: str
    counts: Counts = field(default_factory=Counts)
    source_id: int | None = None
    resumed_at: int = 0
    pending_bytes: int = 0
    error: str | None = None  # the input could not be read to its end (why, and where)
    note: str | None = None
    format: str = "jsonl"  # what the input was read as (ingest/formats)
    hint: str | None = None  # nothing loaded: what the lines looked like, the setting that reads them


@dataclass
class IngestResult:
    ingest_id: int
    files: list[FileResult]
    skipped: list[Skipped]
    totals: Counts
    started_at: datetime
    finished_at: datetime

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()
