"""Unit economics: what each successful action (an outcome event such as `draft_accepted`) cost,
by tenant, feature or time, under two attributions shown side by side.

- ratio: ALL spend of the scope (every request in the window with the scope's tenant / feature /
  day, retries and failures included) / the success events of the scope in the window. This is
  the article's "cost per accepted draft": $612 / 9,100 drafts = $0.067.
- trace: the calls that share a trace_id with a success event (an event with only a request_id
  takes that request's trace, or that request alone), / the events so matched. It answers "what
  did the workflows that succeeded cost?"; the gap to ratio is what failed or abandoned work cost.

Per tenant, ratio divides the tenant's OWN spend by the tenant's own events. The article's
"$3.40 per draft" for a tenant with 2,200 requests and 180 drafts divides the WHOLE week's $612
by that tenant's 180 drafts, mixing every tenant's spend into one tenant's outcome; llmcost does
not do that, and shows each tenant's own figure instead.

Outcome events that match no logged request (orphans) are counted in their scope and in the
footer; they stay in the ratio's denominator (they are successes) and out of the trace
attribution (there is nothing to attribute). Events are read as they are in the warehouse when
the report runs, so an event that arrives late is joined by the next report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.errors import UsageError
from llmcost.queries import coverage, exact, quality
from llmcost.queries.dimensions import Dimension, bucket_list, select_list
from llmcost.queries.model import OTHER, Column, Kind, Report, money
from llmcost.queries.scope import Scope
from llmcost.queries.spend import dimension_columns, dimension_order, empty_window_warning, shown_value
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

UNIT_DIMENSIONS = ("tenant", "feature", "user", "day", "week", "month")
UNIT_FILTERS = ("tenant", "feature", "user")

COUNTS = (
    "requests",
    "unpriced_requests",
    "unpriced_tokens",
    "input_tokens",
    "output_tokens",
    "events",
    "orphan_events",
    "traced_events",
    "traced_requests",
    "traced_unpriced_requests",
    "traced_input_tokens",
    "traced_output_tokens",
)
MONEYS = ("cost_usd", "traced_cost_usd")

COLUMNS = (
    Column("requests", Kind.COUNT, "requests"),
    Column("cost_usd", Kind.MONEY, "spend", priority=2),
    Column("cost_per_request", Kind.UNIT_MONEY, "cost per\nrequest", priority=0),
    Column("events", Kind.COUNT, "events", priority=2),
    Column("orphan_events", Kind.COUNT, "orphan\nevents", when_nonzero=True, priority=0),
    Column("cost_per_success", Kind.UNIT_MONEY, "ratio\n$/event", priority=2),
    Column("tokens_per_success", Kind.NUMBER, "ratio\ntok/event"),
    Column("traced_events", Kind.COUNT, "traced\nevents"),
    Column("traced_cost_per_success", Kind.UNIT_MONEY, "trace\n$/event", priority=2),
    Column("traced_tokens_per_success", Kind.NUMBER, "trace\ntok/event"),
    Column("traced_calls_per_success", Kind.NUMBER, "calls/event", detail=True),
    Column("traced_cost_usd", Kind.MONEY, "traced spend", detail=True),
    Column("traced_requests", Kind.COUNT, "traced requests", detail=True),
    Column("input_tokens", Kind.TOKENS, "input", detail=True),
    Column("output_tokens", Kind.TOKENS, "output", detail=True),
    Column("unpriced_requests", Kind.COUNT, "unpriced", detail=True),
    Column("traced_unpriced_requests", Kind.COUNT, "traced unpriced", detail=True),
)

# Columns only the trace attribution fills (left out with attribution="ratio").
TRACE_ONLY = frozenset(
    {
        "orphan_events",
        "traced_events",
        "traced_cost_per_success",
        "traced_tokens_per_success",
        "traced_calls_per_success",
        "traced_cost_usd",
        "traced_requests",
        "traced_unpriced_requests",
    }
)
ATTRIBUTIONS = ("both", "ratio")

SORT_KEYS = ("cost", "requests", "events", "ratio", "trace", "name")

NOTES = (
    "ratio: all spend of the scope (retries and failures included) / its success events",
    "trace: the calls sharing a trace (or request) with a success event / the events so matched",
)

SQL = SqlFiles("llmcost.queries")


@dataclass(frozen=True)
class UnitQuery:
    event: str
    by: tuple[Dimension, ...]
    scope: Scope
    top: int | None = None
    sort: str | None = None
    # "ratio" skips the trace attribution: two aggregations instead of joining every event to its
    # workflow's calls (the join dominates on a large warehouse; see benchmarks/bench_report.py).
    attribution: str = "both"

    def sort_key(self) -> str:
        if self.attribution not in ATTRIBUTIONS:
            raise UsageError(f"--attribution: choose from {', '.join(ATTRIBUTIONS)}")
        if self.sort is None:
            return "name" if any(d.is_time for d in self.by) else "cost"
        if self.sort == "trace" and self.attribution == "ratio":
            raise UsageError("--sort trace needs the trace attribution (--attribution both)")
        if self.sort not in SORT_KEYS:
            raise UsageError(f"--sort: unknown key {self.sort[:30]!r}; choose from {', '.join(SORT_KEYS)}")
        return self.sort


def event_names(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """The outcome events the warehouse holds, most frequent first (to pick or suggest one)."""
    return [(str(e), int(n)) for e, n in SQL.run(con, "outcome_events")]


def _keyed(rows: list[dict[str, Any]], by: Sequence[Dimension]) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(r[d.name] for d in by): r for r in rows}


def _grouped(
    con: duckdb.DuckDBPyConnection,
    name: str,
    by: Sequence[Dimension],
    fragments: dict[str, str],
    params: dict[str, Any],
) -> list[dict[str, Any]]:
    sql = SQL.render(name, **fragments)
    cur = con.execute(sql, sqlrun.bind(sql, params))
    names = [d[0] for d in cur.description or []]
    out = []
    for values in cur.fetchall():
        raw = dict(zip(names, values, strict=True))
        row = {d.name: shown_value(d, raw.pop(f"d{i}")) for i, d in enumerate(by)}
        row.update(raw)
        out.append(row)
    return out


def _merge(
    by: Sequence[Dimension],
    spend_rows: list[dict[str, Any]],
    event_rows: list[dict[str, Any]],
    trace_rows: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    spend, events, traced = _keyed(spend_rows, by), _keyed(event_rows, by), _keyed(trace_rows, by)
    merged = []
    for key in {*spend, *events, *traced}:
        s, e, t = spend.get(key, {}), events.get(key, {}), traced.get(key, {})
        row: dict[str, Any] = {d.name: key[i] for i, d in enumerate(by)}
        for k in ("requests", "unpriced_requests", "unpriced_tokens", "input_tokens", "output_tokens"):
            row[k] = int(s.get(k) or 0)
        row["cost_usd"] = money(s.get("cost_usd"))
        if row["cost_usd"] is None and not row["unpriced_requests"]:
            row["cost_usd"] = Decimal(0)  # no requests in the scope: nothing was spent
        row["naive_timestamps"] = int(s.get("naive_timestamps") or 0) + int(e.get("naive_timestamps") or 0)
        row["events"] = int(e.get("events") or 0)
        row["orphan_events"] = int(t.get("orphan_events") or 0)
        row["traced_events"] = int(t.get("traced_events") or 0)
        row["traced_requests"] = int(t.get("traced_requests") or 0)
        row["traced_cost_usd"] = money(t.get("traced_cost_usd"))
        row["traced_unpriced_requests"] = int(t.get("traced_unpriced_requests") or 0)
        row["traced_input_tokens"] = int(t.get("traced_input_tokens") or 0)
        row["traced_output_tokens"] = int(t.get("traced_output_tokens") or 0)
        if row["traced_cost_usd"] is None and not row["traced_unpriced_requests"]:
            row["traced_cost_usd"] = Decimal(0)
        merged.append(row)
    return merged


def combine(rows: Sequence[dict[str, Any]], labels: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = dict(labels)
    for key in (*COUNTS, "naive_timestamps"):
        out[key] = sum(r[key] for r in rows)
    for key in MONEYS:
        total: Decimal | None = None
        for r in rows:
            total = exact.add(total, r[key])
        unpriced = out["unpriced_requests" if key == "cost_usd" else "traced_unpriced_requests"]
        out[key] = Decimal(0) if total is None and not unpriced else total
    return out


def add_ratios(row: dict[str, Any]) -> None:
    priced = row["requests"] - row["unpriced_requests"]
    row["cost_per_request"] = exact.per_unit(row["cost_usd"], priced)
    # No requests in the scope: a ratio of $0 per event would claim the successes were free.
    row["cost_per_success"] = exact.per_unit(row["cost_usd"], row["events"]) if row["requests"] else None
    tokens = row["input_tokens"] + row["output_tokens"]
    row["tokens_per_success"] = exact.average(tokens, row["events"]) if row["requests"] else None
    row["traced_cost_per_success"] = exact.per_unit(row["traced_cost_usd"], row["traced_events"])
    traced_tokens = row["traced_input_tokens"] + row["traced_output_tokens"]
    row["traced_tokens_per_success"] = exact.average(traced_tokens, row["traced_events"])
    row["traced_calls_per_success"] = exact.average(row["traced_requests"], row["traced_events"])


def _order(rows: list[dict[str, Any]], by: Sequence[Dimension], sort: str) -> list[dict[str, Any]]:
    ordered = sorted(rows, key=dimension_order(by))
    if sort == "name":
        return ordered
    field = {
        "cost": "cost_usd",
        "requests": "requests",
        "events": "events",
        "ratio": "cost_per_success",
        "trace": "traced_cost_per_success",
    }[sort]
    present = [r for r in ordered if r[field] is not None]
    missing = [r for r in ordered if r[field] is None]
    present.sort(key=lambda r: r[field], reverse=True)
    return present + missing


def _trace_rows(con: duckdb.DuckDBPyConnection, q: UnitQuery, params: dict[str, Any]) -> list[dict[str, Any]]:
    slot, n = q.scope.slot, len(q.by)

    def columns(alias: str, named: bool = False) -> str:
        return "".join(f"{alias}.d{i}" + (f" AS d{i}" if named else "") + ", " for i in range(n))

    return _grouped(
        con,
        "unit_trace",
        q.by,
        {
            "dimensions": select_list(q.by, "o", slot),
            "scope": q.scope.where("o"),
            "first_scope": "".join(f"min(k.d{i}) AS d{i}, " for i in range(n)),
            "workflow_scope": columns("w", named=True),
            "cost": q.scope.cost("q"),
            "call_scope": columns("c"),
            "found_scope": columns("w", named=True),
            "matched_scope": columns("e"),
            "same_scope": " AND ".join(f"t.d{i} IS NOT DISTINCT FROM e.d{i}" for i in range(n)) or "TRUE",
            "buckets": bucket_list(q.by, "s", slot),
        },
        params,
    )


def _spend_rows(con: duckdb.DuckDBPyConnection, q: UnitQuery, params: dict[str, Any]) -> list[dict[str, Any]]:
    """All spend of each scope (the ratio's numerator): from the rollup (llmcost.queries.rollup)
    when one is prepared that holds it, else one scan of the requests."""
    from llmcost.queries import rollup

    scope = q.scope
    dims, buckets = select_list(q.by, "r", scope.slot), bucket_list(q.by, "s", scope.slot)
    summed = rollup.active(con, scope, q.by)
    if summed is not None:
        slots = SQL.fragment("rollup_unit_spend_slots", table=rollup.TABLE, dimensions=dims, scope=summed[0])
        return _grouped(con, "unit_spend", q.by, {"slots": slots, "buckets": buckets}, summed[1])
    slots = SQL.fragment("unit_spend_slots", dimensions=dims, scope=scope.where("r"), cost=scope.cost("r"))
    return _grouped(con, "unit_spend", q.by, {"slots": slots, "buckets": buckets}, params)


def _event_rows(con: duckdb.DuckDBPyConnection, q: UnitQuery, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The success events of each scope (the ratio's denominator): from the events' rollup when
    one is prepared that holds them, else one scan of the outcomes."""
    from llmcost.queries import rollup

    scope = q.scope
    dims, buckets = select_list(q.by, "o", scope.slot), bucket_list(q.by, "s", scope.slot)
    summed = rollup.active_events(con, scope, q.by)
    if summed is not None:
        fragments = {"table": rollup.EVENTS_TABLE, "dimensions": dims, "buckets": buckets, "scope": summed[0]}
        return _grouped(con, "rollup_unit_events", q.by, fragments, {**summed[1], "event": q.event})
    return _grouped(
        con, "unit_events", q.by, {"dimensions": dims, "buckets": buckets, "scope": scope.where("o")}, params
    )


def unit(con: duckdb.DuckDBPyConnection, q: UnitQuery) -> Report:
    """Cost and tokens per success of `q.event`, by scope, under both attributions (or, with
    attribution="ratio", the ratio alone)."""
    sort = q.sort_key()
    if q.top is not None and q.top < 1:
        raise UsageError("--top must be at least 1")
    for d in q.by:
        if d.name not in UNIT_DIMENSIONS:
            raise UsageError(f"--by: unit economics group by {', '.join(UNIT_DIMENSIONS)}, not {d.name}")
    traced = q.attribution == "both"
    scope, params = q.scope, {**q.scope.params(), "event": q.event}
    spend_rows = _spend_rows(con, q, params)
    event_rows = _event_rows(con, q, params)
    trace_rows = _trace_rows(con, q, params) if traced else []
    rows = [r for r in _merge(q.by, spend_rows, event_rows, trace_rows) if r["requests"] or r["events"]]
    totals = combine(rows, {})
    ordered = _order(rows, q.by, sort)
    folded = 0
    if q.top is not None and len(ordered) > q.top:
        rest = ordered[q.top :]
        other = combine(rest, {d.name: OTHER for d in q.by})
        other["other"] = True
        ordered, folded = [*ordered[: q.top], other], len(rest)
    for row in [*ordered, totals]:
        add_ratios(row)
        row.pop("naive_timestamps")
        if not traced:
            for key in TRACE_ONLY:
                row.pop(key, None)
    dq = quality.collect(
        con,
        scope,
        quality.ScanCounts(
            requests=totals["requests"],
            unpriced_requests=totals["unpriced_requests"],
            unpriced_tokens=totals["unpriced_tokens"],
            naive_timestamps=sum(int(r.get("naive_timestamps") or 0) for r in [*spend_rows, *event_rows]),
        ),
    )
    dq = replace(
        dq, outcome_events=totals["events"], orphan_events=totals.get("orphan_events") if traced else None
    )
    cov = coverage.check(con, scope)  # a filter that matches nothing first, then an empty window
    warnings: list[str] = list(cov.warnings)
    if not rows:
        if not cov.excludes_all:
            warnings.append(empty_window_warning(con, scope))
    elif not totals["events"]:
        known = ", ".join(f"{e} ({n:,})" for e, n in event_names(con)[:5]) or "none"
        warnings.append(f"no {q.event!r} events in the window; outcome events in the warehouse: {known}")
    group = ", ".join(d.name for d in q.by) or "everything"
    notes = list(NOTES) if traced else [NOTES[0], "trace attribution not computed (--attribution ratio)"]
    return Report(
        name="unit",
        title=f"Cost per {q.event} by {group}",
        columns=(*dimension_columns(q.by), *(c for c in COLUMNS if traced or c.name not in TRACE_ONLY)),
        rows=ordered,
        totals=totals,
        window=scope.window,
        cost_mode=scope.cost_mode,
        group_by=tuple(d.name for d in q.by),
        quality=dq,
        price_catalog=quality.price_catalog(dq),
        warnings=warnings,
        notes=notes,
        parameters={
            "event": q.event,
            "attribution": q.attribution,
            "top": q.top,
            "folded_rows": folded,
            "sort": sort,
        },
        filters=scope.filters,
        date_range=coverage.date_range(con, scope),
    )
