"""What an evaluation returns: alerts, what each rule did (and could not do), and the day's data facts.

Money is Decimal, ratios and rates are float, tokens and counts are int. `as_dict()` gives the
JSON form (schema_version 1): money as a string holding an exact decimal, never a binary float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from llmcost.alerts.config import Severity

SCHEMA_VERSION = 1


class Rule(StrEnum):
    """The rules, in the order they are evaluated and shown."""

    TENANT_SPIKE = "tenant-spike"
    FEATURE_REGRESSION = "feature-regression"
    ERROR_BURN = "error-burn"
    BUDGET_PACE = "budget-pace"
    EMBED_SURGE = "embed-surge"
    TENANT_BUDGET = "tenant-budget"
    MARGIN_FLOOR = "margin-floor"
    NO_DATA = "no-data"
    RUNAWAY_TRACE = "runaway-trace"
    RETRY_STORM = "retry-storm"
    SESSION_BUDGET = "session-budget"

    @property
    def config_key(self) -> str:
        return self.value.replace("-", "_")


class Status(StrEnum):
    OK = "ok"  # evaluated, nothing fired
    FIRED = "fired"
    SKIPPED = "skipped"  # could not be evaluated at all: the notes say why
    DISABLED = "disabled"


Number = Decimal | float | int


@dataclass(frozen=True)
class Span:
    """Whole UTC days [start, end)."""

    start: date
    end: date

    @classmethod
    def day(cls, d: date) -> Span:
        return cls(d, d + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def label(self) -> str:
        last = self.end - timedelta(days=1)
        return (
            self.start.isoformat() if last == self.start else f"{self.start.isoformat()}..{last.isoformat()}"
        )

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Alert:
    rule: Rule
    severity: Severity
    subject_kind: str  # tenant | feature | org | warehouse
    subject: str  # the tenant id, the feature, "org"
    metric: str  # what `observed` measures, e.g. "day cost", "tokens per success"
    unit: str  # usd | tokens | ratio | share
    observed: Number
    threshold: Number  # observed went past this
    baseline: Number | None  # what observed is compared with (trailing average, last week), if any
    window: Span
    baseline_window: Span | None
    message: str
    action: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Stable across days while the condition lasts: for de-duplication downstream."""
        return f"{self.rule.value}:{self.subject_kind}={self.subject}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "severity": self.severity.value,
            "key": self.key,
            "subject": {"kind": self.subject_kind, "id": self.subject},
            "metric": self.metric,
            "unit": self.unit,
            "observed": json_number(self.observed),
            "threshold": json_number(self.threshold),
            "baseline": json_number(self.baseline),
            "window": self.window.as_dict(),
            "baseline_window": self.baseline_window.as_dict() if self.baseline_window else None,
            "message": self.message,
            "action": self.action,
            "details": {k: json_value(v) for k, v in self.details.items()},
        }


@dataclass
class RuleResult:
    rule: Rule
    status: Status
    alerts: list[Alert] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said, never silently skipped
    checked: int = 0  # subjects evaluated

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "status": self.status.value,
            "alerts": len(self.alerts),
            "checked": self.checked,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class DataFacts:
    """What the warehouse holds around the evaluated day."""

    requests: int  # on the day
    unpriced: int  # requests on the day with no cost under the cost mode
    first_request: datetime | None  # in the whole warehouse
    latest_request: datetime | None
    last_ingest: datetime | None  # finished_at of the last ingest run that finished

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "unpriced_requests": self.unpriced,
            "first_request": iso(self.first_request),
            "latest_request": iso(self.latest_request),
            "last_ingest_finished": iso(self.last_ingest),
        }


@dataclass
class Evaluation:
    day: date
    cost_mode: str
    results: list[RuleResult]
    data: DataFacts
    notes: list[str] = field(default_factory=list)

    @property
    def alerts(self) -> list[Alert]:
        found = [a for r in self.results for a in r.alerts]
        order = {rule: i for i, rule in enumerate(Rule)}
        return sorted(found, key=lambda a: (-a.severity.rank, order[a.rule], a.subject))

    @property
    def max_severity(self) -> Severity | None:
        alerts = self.alerts
        return alerts[0].severity if alerts else None

    def trips(self, fail_on: str) -> bool:
        """True when an alert at or above `fail_on` fired (`never` never trips)."""
        if fail_on == "never":
            return False
        floor = Severity(fail_on).rank
        return any(a.severity.rank >= floor for a in self.alerts)

    def all_notes(self) -> list[str]:
        return [*self.notes, *(f"{r.rule.value}: {n}" for r in self.results for n in r.notes)]

    def as_dict(self, fail_on: str | None = None) -> dict[str, Any]:
        alerts = self.alerts
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "report": "alerts",
            "day": self.day.isoformat(),
            "window": {
                "start": iso(day_start(self.day)),
                "end": iso(day_start(self.day + timedelta(days=1))),
            },
            "cost_mode": self.cost_mode,
            "fired": len(alerts),
            "max_severity": alerts[0].severity.value if alerts else None,
        }
        if fail_on is not None:
            out["fail_on"] = fail_on
            out["tripped"] = self.trips(fail_on)
        out["alerts"] = [a.as_dict() for a in alerts]
        out["rules"] = [r.as_dict() for r in self.results]
        out["data"] = self.data.as_dict()
        out["notes"] = list(self.notes)
        return out


def day_start(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=UTC)


def iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def json_number(v: Number | None) -> Any:
    if v is None:
        return None
    if isinstance(v, Decimal):
        return money_str(v)
    if isinstance(v, float):
        return round(v, 6)
    return v


def json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return money_str(v)
    if isinstance(v, float):
        return round(v, 6)
    if isinstance(v, date | datetime):
        return iso(v) if isinstance(v, datetime) else v.isoformat()
    if isinstance(v, Span):
        return v.as_dict()
    if isinstance(v, dict):
        return {str(k): json_value(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [json_value(x) for x in v]
    return v


NANO = Decimal("0.000000001")


def money_str(v: Decimal) -> str:
    """An exact decimal at the nano-dollar scale, as the reports print money in JSON."""
    return f"{v.quantize(NANO):f}"  # zero too: 0.000000000, never 0E-9
