"""Cost per trace and per session: `llmcost traces` (the distribution per feature and the costliest
traces) and `llmcost trace ID` (one trace's calls in order, with the outcome events linked to it).

A trace is the calls sharing a trace_id (one workflow run, an agent's loop); a session is the calls
sharing a session_id (a conversation: many traces). Either is a *unit* here; `by` picks which.
A unit's tenant, feature and session are the smallest of its calls' (they agree unless the
app logged otherwise). Money is exact (Decimal at the
warehouse's nano-dollar scale); a unit whose calls are partly unpriced says how many were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.errors import UsageError
from llmcost.numbers import exact_usd
from llmcost.queries.dimensions import filters_dict
from llmcost.queries.scope import Scope
from llmcost.warehouse.sql import SqlFiles
from llmcost.warehouse.sql import run as run_sql

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.queries")

UNITS = {"trace": "r.trace_id", "session": "r.session_id"}
# `--by` spellings: the unit is a trace unless sessions are asked for
BY = {"feature": "trace", "trace": "trace", "session": "session"}
PERCENTILES = ("p50", "p90", "p99")


def unit_column(unit: str) -> str:
    try:
        return UNITS[unit]
    except KeyError:
        raise UsageError(f"unknown unit {unit[:20]!r}; choose from {', '.join(UNITS)}") from None


def parse_by(value: str | None) -> str:
    """`--by feature` (the default: traces, grouped per feature) or `--by session`."""
    key = (value or "feature").strip().lower()
    if key not in BY:
        raise UsageError(f"--by: {value[:30]!r} is not one of {', '.join(BY)}" if value else "--by: empty")
    return BY[key]


@dataclass(frozen=True)
class Spread:
    """p50, p90, p99 (nearest rank: the value of a real unit) and the maximum of one measure."""

    p50: Any
    p90: Any
    p99: Any
    max: Any

    @classmethod
    def of(cls, q: list[Any] | None, top: Any) -> Spread:
        q = list(q or [None, None, None])
        return cls(q[0], q[1], q[2], top)

    def as_dict(self, money: bool = False) -> dict[str, Any]:
        def v(x: Any) -> Any:
            if x is None:
                return None
            return exact_usd(x) if money else int(x)

        return {"p50": v(self.p50), "p90": v(self.p90), "p99": v(self.p99), "max": v(self.max)}


@dataclass(frozen=True)
class Distribution:
    feature: str | None  # None: not logged (or, for the total row, every feature)
    units: int
    cost: Decimal | None
    cost_spread: Spread
    calls: Spread
    tokens: Spread
    duration_ms: Spread
    total: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "count": self.units,
            "cost_usd": exact_usd(self.cost) if self.cost is not None else None,
            "cost_per_unit_usd": self.cost_spread.as_dict(money=True),
            "calls": self.calls.as_dict(),
            "tokens": self.tokens.as_dict(),
            "duration_ms": self.duration_ms.as_dict(),
        }


@dataclass(frozen=True)
class TraceSummary:
    """One trace (or session): who, what, how many calls, what it cost, when."""

    unit_id: str
    tenant: str | None
    feature: str | None
    session: str | None
    trace: str | None  # the smallest trace id of a session's calls
    traces: int  # traces in it (1 for a trace)
    calls: int
    tokens: int
    cost: Decimal | None
    unpriced: int
    failed: int
    first: datetime
    last: datetime
    models: tuple[str, ...] = ()

    @property
    def duration_ms(self) -> int:
        return int((self.last - self.first).total_seconds() * 1000)

    def as_dict(self, unit: str) -> dict[str, Any]:
        out: dict[str, Any] = {"trace_id" if unit == "trace" else "session_id": self.unit_id}
        if unit == "trace":
            out["session_id"] = self.session
        else:
            out["traces"] = self.traces
        out.update(
            tenant=self.tenant,
            feature=self.feature,
            calls=self.calls,
            tokens=self.tokens,
            cost_usd=exact_usd(self.cost) if self.cost is not None else None,
            unpriced_calls=self.unpriced,
            failed_calls=self.failed,
            first=self.first.isoformat().replace("+00:00", "Z"),
            last=self.last.isoformat().replace("+00:00", "Z"),
            duration_ms=self.duration_ms,
            models=list(self.models),
        )
        return out


@dataclass
class TracesReport:
    unit: str  # trace | session
    scope: Scope
    distributions: list[Distribution]
    top: list[TraceSummary]
    units: int  # traces (sessions) in the scope
    untraced_calls: int  # calls in the scope without the unit's id
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "window": self.scope.window.as_dict(),
            "filters": filters_dict(self.scope.filters),
            "cost_mode": self.scope.cost_mode,
            "units": self.units,
            "calls_without_id": self.untraced_calls,
            "features": [d.as_dict() for d in self.distributions if not d.total],
            "all": next((d.as_dict() for d in self.distributions if d.total), None),
            "top": [t.as_dict(self.unit) for t in self.top],
        }


def _summary(row: tuple[Any, ...], details: dict[str, tuple[Any, ...]]) -> TraceSummary:
    uid, feature, calls, tokens, cost, first, last = row
    tenant, session, trace, traces, unpriced, failed, models = details.get(
        str(uid), (None, None, None, 1, 0, 0, [])
    )
    return TraceSummary(
        str(uid),
        tenant,
        feature,
        session,
        trace,
        int(traces),
        int(calls),
        int(tokens or 0),
        cost,
        int(unpriced),
        int(failed),
        first,
        last,
        tuple(models),
    )


def unit_fragments(scope: Scope, unit: str) -> dict[str, str]:
    col = unit_column(unit)
    return {"unit": col, "scope": scope.where("r"), "cost": scope.cost("r")}


# At most this many separate time spans in trace_details' filter; more are read as one span.
MAX_SPANS = 32


def spans_sql(rows: list[tuple[Any, ...]]) -> tuple[str, dict[str, Any]]:
    """A filter on `r.ts` that keeps every call of the units in `rows` (each with its first and last
    call's timestamp at [5] and [6]): their [first, last] spans, overlapping ones merged, as an OR of
    plain ranges (DuckDB prunes the Parquet row groups outside them); one range from the earliest
    to the latest when there are more than MAX_SPANS. The values are bound, never inlined."""
    spans = sorted((r[5], r[6]) for r in rows)
    merged: list[list[Any]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    if len(merged) > MAX_SPANS:
        merged = [[merged[0][0], max(hi for _, hi in merged)]]
    terms = [f"(r.ts >= $span_lo_{i} AND r.ts <= $span_hi_{i})" for i in range(len(merged))]
    params = {
        f"span_{end}_{i}": v
        for i, span in enumerate(merged)
        for end, v in zip(("lo", "hi"), span, strict=True)
    }
    return " OR ".join(terms), params


def top_details(
    con: duckdb.DuckDBPyConnection, scope: Scope, unit: str, rows: list[tuple[Any, ...]]
) -> list[TraceSummary]:
    """The units shown, with their tenant, session, failures and models: read for those ids only,
    and only in their time spans."""
    ids = [str(r[0]) for r in rows]
    details: dict[str, tuple[Any, ...]] = {}
    if ids:
        spans, span_params = spans_sql(rows)
        found = SQL.run(
            con,
            "trace_details",
            {**scope.params(), **span_params, "units": ids},
            **unit_fragments(scope, unit),
            spans=spans,
        )
        details = {str(r[0]): tuple(r[1:]) for r in found}
    return [_summary(r, details) for r in rows]


def report_sql(scope: Scope, unit: str) -> str:
    """trace_report.sql for `scope`, one row per trace (or session)."""
    return SQL.render("trace_report", **unit_fragments(scope, unit))


def traces_report(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, unit: str = "trace", top: int | None = 20
) -> TracesReport:
    """The distribution per feature and the `top` costliest traces (sessions) in `scope`: one pass
    over the requests (trace_report.sql), then the shown units' details (trace_details.sql)."""
    frag = unit_fragments(scope, unit)
    params = {**scope.params(), "top": top if top is not None else 2**62}
    found = run_sql(con, report_sql(scope, unit), params)
    dists = [
        Distribution(
            feature=feature,
            units=int(n),
            cost=cost,
            cost_spread=Spread.of(cq, cmax),
            calls=Spread.of(kq, kmax),
            tokens=Spread.of(tq, tmax),
            duration_ms=Spread.of(mq, mmax),
            total=bool(total),
        )
        for total, feature, n, cost, cq, cmax, kq, kmax, tq, tmax, mq, mmax, _ in found
    ]
    shown = (
        [tuple(t.values()) if isinstance(t, dict) else tuple(t) for t in (found[0][-1] or [])]
        if found
        else []
    )
    rows = top_details(con, scope, unit, shown)
    ((untraced,),) = SQL.run(con, "trace_untraced", scope.params(), unit=frag["unit"], scope=frag["scope"])
    units = next((d.units for d in dists if d.total), 0)
    return TracesReport(unit, scope, dists, rows, units, int(untraced))


# -- one trace -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    request_id: str
    ts: datetime
    trace_id: str | None
    session_id: str | None
    tenant: str | None
    feature: str | None
    provider: str | None
    model: str
    operation: str
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    reasoning_tokens: int
    cost: Decimal | None
    cumulative: Decimal  # the priced calls' cost so far, this one included
    latency_ms: int | None
    outcome: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "ts": self.ts.isoformat().replace("+00:00", "Z"),
            "trace_id": self.trace_id,
            "session_id": self.session_id,
            "tenant": self.tenant,
            "feature": self.feature,
            "provider": self.provider,
            "model": self.model,
            "operation": self.operation,
            "input_tokens": self.input_tokens,
            "cached_input_tokens": self.cached_input_tokens,
            "output_tokens": self.output_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "cost_usd": exact_usd(self.cost) if self.cost is not None else None,
            "cumulative_cost_usd": exact_usd(self.cumulative),
            "latency_ms": self.latency_ms,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class Event:
    event_id: str
    ts: datetime
    event: str
    request_id: str | None
    trace_id: str | None
    value: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "ts": self.ts.isoformat().replace("+00:00", "Z"),
            "event": self.event,
            "request_id": self.request_id,
            "trace_id": self.trace_id,
            "value": self.value,
        }


@dataclass
class Timeline:
    unit: str  # trace | session
    unit_id: str
    cost_mode: str
    calls: list[Call]
    events: list[Event]

    @property
    def cost(self) -> Decimal:
        return self.calls[-1].cumulative if self.calls else Decimal(0)

    @property
    def unpriced(self) -> int:
        return sum(1 for c in self.calls if c.cost is None)

    @property
    def failed(self) -> int:
        return sum(1 for c in self.calls if c.outcome != "success")

    def as_dict(self) -> dict[str, Any]:
        first, last = (self.calls[0].ts, self.calls[-1].ts) if self.calls else (None, None)
        return {
            "unit": self.unit,
            "id": self.unit_id,
            "cost_mode": self.cost_mode,
            "calls_count": len(self.calls),
            "failed_calls": self.failed,
            "unpriced_calls": self.unpriced,
            "tokens": sum(c.input_tokens + c.output_tokens for c in self.calls),
            "cost_usd": exact_usd(self.cost),
            "first": first.isoformat().replace("+00:00", "Z") if first else None,
            "last": last.isoformat().replace("+00:00", "Z") if last else None,
            "calls": [c.as_dict() for c in self.calls],
            "events": [e.as_dict() for e in self.events],
        }


class UnknownTrace(UsageError):
    """No call carries the id: exit 2, naming it, with the closest ids."""

    def __init__(self, unit: str, unit_id: str, nearby: list[str]) -> None:
        self.nearby = nearby
        option = "--session " if unit == "session" else ""
        hint = (
            f"; did you mean {', '.join(nearby)}?"
            if nearby
            else f"; `llmcost traces{' --by session' if unit == 'session' else ''}` lists them"
        )
        super().__init__(f"no {unit} {option}{unit_id[:80]!r} in the warehouse{hint}")


def timeline(
    con: duckdb.DuckDBPyConnection, unit_id: str, *, unit: str = "trace", cost_mode: str
) -> Timeline:
    """Every call of trace (or session) `unit_id` in the order they ran, and the linked events."""
    from llmcost.queries.scope import cost_expr

    col = unit_column(unit)
    rows = SQL.run(con, "trace_calls", {"id": unit_id}, unit=col, cost=cost_expr(cost_mode, "r"))
    if not rows:
        nearby = (
            [str(r[0]) for r in SQL.run(con, "trace_nearby", {"id": unit_id}, unit=col)]
            if getattr(con, "similarity", True)  # Spark has no jaro_winkler_similarity
            else []
        )
        raise UnknownTrace(unit, unit_id, nearby)
    calls: list[Call] = []
    running = Decimal(0)
    for (
        rid,
        ts,
        trace,
        session,
        tenant,
        feature,
        provider,
        model,
        op,
        inp,
        cached,
        out,
        reas,
        cost,
        lat,
        oc,
    ) in rows:
        if cost is not None:
            running += cost
        calls.append(
            Call(
                str(rid), ts, trace, session, tenant, feature, provider, str(model), str(op),
                int(inp), int(cached), int(out), int(reas), cost, running,
                None if lat is None else int(lat), str(oc),
            )
        )  # fmt: skip
    traces = sorted({c.trace_id for c in calls if c.trace_id is not None})
    found = SQL.run(con, "trace_events", {"traces": traces, "requests": [c.request_id for c in calls]})
    events = [Event(str(e), ts, str(name), req, tr, val) for e, ts, name, req, tr, val in found]
    return Timeline(unit, unit_id, cost_mode, calls, events)
