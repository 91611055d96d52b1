"""Two sides of the same warehouse side by side: two values of one dimension (`prompt_version` v3
against v4, one model against another) or the weeks before and after a deploy.

Each side's figures are exact (DECIMAL sums, ratios in Decimal). How sure the change is comes from
a bootstrap over workflows: a trace (the calls sharing a trace_id, or one untraced call) is the
unit that succeeds or fails, so traces, not calls, are resampled, each side on its own. The
resampling is seeded, so the same warehouse always prints the same interval. A change whose 95%
interval holds 0 is "no clear change".

Each side's mix (its top tenants and features by cost) is shown beside the figures: a version
served mostly to one large tenant can look cheaper for reasons that are not the prompt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost import numbers
from llmcost.errors import UsageError
from llmcost.queries import coverage, exact
from llmcost.queries.dimensions import DIMENSIONS, Dimension, Filter, parse_by
from llmcost.queries.model import OTHER, money
from llmcost.queries.scope import Scope
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles
from llmcost.window import Window

if TYPE_CHECKING:
    import duckdb
    import numpy as np

SQL = SqlFiles("llmcost.queries")
TABLE = "_llmcost_compare"
REPLICATES = 2000
SEED = 19
LEVEL = Decimal("0.95")
MIX_DIMENSIONS = ("tenant", "feature")
MIX_TOP = 3
MIN_TRACES = 10  # per side; below it a resample can only repeat the few traces there are
MIX_GAP = Decimal("0.2")  # a mix this far apart gets a warning (total variation of cost shares)
DEFAULT_SIDE = timedelta(days=7)  # before/after with neither --since nor --after-until
HIGHER, LOWER, NO_CLEAR_CHANGE = "higher", "lower", "no clear change"

# Dimensions a side may be picked by: any the reports group by, but not a time bucket (for time,
# use --before); "attr" admits attr.KEY, which parse_by checks.
BY_DIMENSIONS = (*(n for n, d in DIMENSIONS.items() if not d.is_time), "attr")


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    kind: str  # count | money | unit_money | tokens | rate
    numerator: str | None = None  # per-workflow column summed over a side (None: a total)
    denominator: str | None = None
    needs_events: bool = False


# Per-workflow columns of compare_sample.sql, in order after `side`.
SAMPLE = ("cost_nano", "priced_requests", "requests", "failures", "input_tokens", "output_tokens", "events")

METRICS: tuple[Metric, ...] = (
    Metric("requests", "requests", "count"),
    Metric("traces", "traces", "count"),
    Metric("cost_usd", "cost", "money"),
    Metric("cost_per_request", "cost per call", "unit_money", "cost_nano", "priced_requests"),
    Metric("cost_per_trace", "cost per trace", "unit_money", "cost_nano", "traces"),
    Metric("input_tokens_per_request", "input tok/call", "tokens", "input_tokens", "requests"),
    Metric("output_tokens_per_request", "output tok/call", "tokens", "output_tokens", "requests"),
    Metric("error_rate", "error rate", "rate", "failures", "requests"),
    Metric("events", "success events", "count"),
    Metric("cost_per_success", "cost per success", "unit_money", "cost_nano", "events", needs_events=True),
    Metric("tokens_per_success", "tokens/success", "tokens", "tokens", "events", needs_events=True),
)


@dataclass(frozen=True)
class SideSpec:
    label: str  # what the table's column says: the value ("v4"), or "before" / "after"
    definition: str  # "prompt_version=v4", or the side's window


@dataclass(frozen=True)
class CompareQuery:
    """`by` + `values` (two values of one dimension), or `before` (a split instant)."""

    scope: Scope
    event: str | None
    by: Dimension | None = None
    values: tuple[str, str] | None = None
    before: datetime | None = None
    after_until: datetime | None = None
    replicates: int = REPLICATES
    seed: int = SEED


@dataclass
class MixRow:
    value: str | None
    requests: int
    cost_usd: Decimal | None
    share: Decimal | None  # of the side's cost (of its requests when nothing is priced)


@dataclass
class Side:
    spec: SideSpec
    window: Window
    totals: dict[str, Any]
    figures: dict[str, Decimal | int | None]
    mix: dict[str, list[MixRow]]


@dataclass
class Change:
    metric: Metric
    a: Decimal | int | None
    b: Decimal | int | None
    change: Decimal | int | None
    relative: Decimal | None
    low: Decimal | None = None  # the 95% interval of the change (b - a)
    high: Decimal | None = None
    relative_low: Decimal | None = None  # ... and of b / a - 1
    relative_high: Decimal | None = None
    verdict: str | None = None  # higher | lower | no clear change; None: no interval (a total)


@dataclass
class Comparison:
    title: str
    sides: tuple[Side, Side]
    changes: list[Change]
    headline: str  # the metric the verdict line speaks of
    event: str | None
    scope: Scope
    parameters: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def change(self, name: str) -> Change:
        return next(c for c in self.changes if c.metric.name == name)


# -- arguments -------------------------------------------------------------------------------


def parse_values(text: str | None) -> tuple[str, str]:
    parts = [p.strip() for p in (text or "").split(",")]
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"--values: name exactly two values, A,B (got {(text or '')[:60]!r})")
    if parts[0] == parts[1]:
        raise UsageError(f"--values: the two sides are the same value {parts[0][:60]!r}")
    return parts[0], parts[1]


def parse_dimension(text: str) -> Dimension:
    named = DIMENSIONS.get(text.strip().lower())
    if named is not None and named.is_time:
        raise UsageError(f"--by: {named.name} is a time; compare two periods with --before DATE")
    dims = parse_by([text], allowed=BY_DIMENSIONS)
    if len(dims) != 1:
        raise UsageError(f"--by: name one dimension to compare on (got {text[:60]!r})")
    return dims[0]


def before_after(
    before: datetime, since: datetime | None, until: datetime | None
) -> tuple[datetime, datetime, datetime]:
    """[start, before) and [before, end): a side given by --since or --after-until; the other side
    as long; neither: a week each."""
    if since is not None and since >= before:
        raise UsageError("--since must be before --before (it starts the side before the change)")
    if until is not None and until <= before:
        raise UsageError(
            "--after-until (or --until) must be after --before (it ends the side after the change)"
        )
    if since is None and until is None:
        return before - DEFAULT_SIDE, before, before + DEFAULT_SIDE
    if since is None:
        assert until is not None
        return before - (until - before), before, until
    if until is None:
        return since, before, before + (before - since)
    return since, before, until


# -- the figures -----------------------------------------------------------------------------


def _figures(t: dict[str, Any]) -> dict[str, Decimal | int | None]:
    priced = t["requests"] - t["unpriced_requests"]
    tokens = t["input_tokens"] + t["output_tokens"]
    return {
        "requests": t["requests"],
        "traces": t["traces"],
        "cost_usd": t["cost_usd"],
        "cost_per_request": exact.per_unit(t["cost_usd"], priced),
        "cost_per_trace": exact.per_unit(t["cost_usd"], t["traces"]),
        "input_tokens_per_request": exact.average(t["input_tokens"], t["requests"]),
        "output_tokens_per_request": exact.average(t["output_tokens"], t["requests"]),
        "error_rate": exact.share(t["failures"], t["requests"]),
        "events": t["events"],
        "cost_per_success": exact.per_unit(t["cost_usd"], t["events"]),
        "tokens_per_success": exact.average(tokens, t["events"]),
    }


def _totals(row: tuple[Any, ...] | None) -> dict[str, Any]:
    names = (
        "traces",
        "requests",
        "failures",
        "cost_usd",
        "unpriced_requests",
        "input_tokens",
        "output_tokens",
    )
    if row is None:
        out: dict[str, Any] = dict.fromkeys(names, 0)
        out["events"] = 0
        return out
    out = {k: int(v or 0) for k, v in zip(names, row[1:], strict=False)}
    out["cost_usd"] = money(row[4])
    if out["cost_usd"] is None and not out["unpriced_requests"]:
        out["cost_usd"] = Decimal(0)
    out["events"] = int(row[8] or 0)
    return out


_SCALES = {
    "money": exact.UNIT_SCALE,
    "unit_money": exact.UNIT_SCALE,
    "tokens": exact.NUMBER_SCALE,
    "rate": exact.SHARE_SCALE,
    "count": Decimal(1),
}


def _quantized(value: float, kind: str) -> Decimal:
    return Decimal(repr(value)).quantize(_SCALES[kind])


# -- the bootstrap ---------------------------------------------------------------------------


def _side_sums(values: np.ndarray, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """Column sums of `values` (workflows x columns, int64) over `replicates` resamples of its rows
    with replacement: replicates x columns. Each resample's row counts come from one bincount over
    offset draws, and the sums from one matrix product. In float64 while every possible sum is an
    integer below 2**53 (then exact whatever order BLAS adds in: the output is reproducible), in
    int64 beyond."""
    import numpy as np

    n = values.shape[0]
    out = np.empty((replicates, values.shape[1]), dtype=np.int64)
    exact_in_float = n * int(np.abs(values).max(initial=0)) < 2**53
    matrix = values.astype(np.float64) if exact_in_float else values
    chunk = max(1, min(replicates, 4_000_000 // max(n, 1)))
    for start in range(0, replicates, chunk):
        size = min(chunk, replicates - start)
        draws = rng.integers(0, n, size=(size, n), dtype=np.int32)  # size x n < 2**31: see chunk
        draws += (np.arange(size, dtype=np.int32) * n)[:, None]
        weights = np.bincount(draws.ravel(), minlength=size * n).reshape(size, n)
        out[start : start + size] = weights.astype(matrix.dtype) @ matrix
    return out


def _bootstrap(con: duckdb.DuckDBPyConnection, q: CompareQuery) -> dict[str, tuple[Any, Any, Any, Any]]:
    """Per metric: the 2.5% and 97.5% points of the change b - a and of b / a - 1."""
    import numpy as np

    sql = SQL.render("compare_sample")
    arrays = con.execute(sql, sqlrun.bind(sql, {})).fetchnumpy()
    data = np.stack([np.asarray(arrays[c], dtype=np.int64) for c in ("side", *SAMPLE)], axis=1)
    columns = [*SAMPLE, "traces", "tokens"]
    rng = np.random.default_rng(q.seed)
    sums = []
    for side in (0, 1):
        part = data[data[:, 0] == side, 1:]
        extra = np.stack([np.ones(len(part), dtype=np.int64), part[:, 4] + part[:, 5]], axis=1)
        sums.append(_side_sums(np.concatenate([part, extra], axis=1), q.replicates, rng))
    out: dict[str, tuple[Any, Any, Any, Any]] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for m in METRICS:
            if m.numerator is None or m.denominator is None:
                continue
            num, den = columns.index(m.numerator), columns.index(m.denominator)
            scale = 1e9 if m.numerator == "cost_nano" else 1.0
            a = sums[0][:, num] / sums[0][:, den] / scale
            b = sums[1][:, num] / sums[1][:, den] / scale
            diff, rel = b - a, b / a - 1
            ok = np.isfinite(diff)
            if not ok.any():
                continue
            lo, hi = np.quantile(diff[ok], [0.025, 0.975])
            fine = np.isfinite(rel)
            rlo, rhi = np.quantile(rel[fine], [0.025, 0.975]) if fine.any() else (None, None)
            out[m.name] = (float(lo), float(hi), rlo, rhi)
    return out


def _verdict(low: Decimal, high: Decimal) -> str:
    if low > 0:
        return HIGHER
    if high < 0:
        return LOWER
    return NO_CLEAR_CHANGE


def _changes(a: Side, b: Side, intervals: dict[str, tuple[Any, Any, Any, Any]]) -> list[Change]:
    out = []
    for m in METRICS:
        va, vb = a.figures[m.name], b.figures[m.name]
        diff = None if va is None or vb is None else vb - va
        rel = exact.share(diff, va) if diff is not None and va is not None else None
        ch = Change(m, va, vb, diff, rel)
        if m.name in intervals and diff is not None:
            lo, hi, rlo, rhi = intervals[m.name]
            kind = "unit_money" if m.kind == "money" else m.kind
            ch.low, ch.high = _quantized(lo, kind), _quantized(hi, kind)
            if rlo is not None:
                ch.relative_low = _quantized(float(rlo), "rate")
                ch.relative_high = _quantized(float(rhi), "rate")
            ch.verdict = _verdict(ch.low, ch.high)
        out.append(ch)
    return out


# -- the sides -------------------------------------------------------------------------------


def _side_sql(q: CompareQuery, alias: str) -> tuple[str, dict[str, Any]]:
    if q.by is not None and q.values is not None:
        expr = q.by.expr(alias)
        return (
            f"CASE WHEN {expr} = $side_a THEN 0 WHEN {expr} = $side_b THEN 1 END",
            {"side_a": q.values[0], "side_b": q.values[1]},
        )
    assert q.before is not None
    return f"CASE WHEN {alias}.ts < $split THEN 0 ELSE 1 END", {"split": q.before}


def _mix_rows(rows: list[tuple[Any, int, Decimal | None]], totals: dict[str, Any]) -> list[MixRow]:
    """The top values by cost and the rest folded into (other), each with its share of the side's
    cost (of its requests when nothing on the side is priced)."""
    cost, requests = totals["cost_usd"], totals["requests"]
    by_cost = cost is not None and cost > 0

    def row(value: str | None, n: int, c: Decimal | None) -> MixRow:
        share = exact.share(c or 0, cost) if by_cost else exact.share(n, requests)
        return MixRow(value, n, c, share)

    out = [row(None if v is None else str(v), n, c) for v, n, c in rows[:MIX_TOP]]
    rest = rows[MIX_TOP:]
    if rest:
        folded: Decimal | None = None
        for r in rest:
            folded = exact.add(folded, r[2])
        out.append(row(OTHER, sum(r[1] for r in rest), folded))
    return out


def mix_gap(a: dict[Any, Decimal], b: dict[Any, Decimal]) -> tuple[Decimal, Any]:
    """How far apart two mixes are (shares by value): the share of one side's cost that would have
    to move for it to look like the other's (total variation), and the value the sides hold most
    in common (to hold equal with --where; None when they share none)."""
    values = sorted({*a, *b}, key=lambda v: (v is None, str(v)))
    gap = sum((abs(a.get(v, Decimal(0)) - b.get(v, Decimal(0))) for v in values), Decimal(0)) / 2

    def both(v: Any) -> Decimal:
        return min(a.get(v, Decimal(0)), b.get(v, Decimal(0)))

    common = max(values, key=lambda v: (both(v), v is not None), default=None)
    return gap, common if common is not None and both(common) > 0 else None


def _shares(rows: list[tuple[Any, int, Decimal | None]], totals: dict[str, Any]) -> dict[Any, Decimal]:
    cost, requests = totals["cost_usd"], totals["requests"]
    if cost is not None and cost > 0:
        return {v: exact.share(c or 0, cost) or Decimal(0) for v, _, c in rows}
    return {v: exact.share(n, requests) or Decimal(0) for v, n, _ in rows}


def _mix(
    con: duckdb.DuckDBPyConnection, q: CompareQuery, scope: Scope, params: dict[str, Any], totals: list[Any]
) -> tuple[list[dict[str, list[MixRow]]], list[str]]:
    """Each side's top tenants and features, and a warning for each dimension whose mix differs
    between the sides by more than MIX_GAP (not the dimension the sides are picked by)."""
    side, _ = _side_sql(q, "r")
    out: list[dict[str, list[MixRow]]] = [{}, {}]
    warnings: list[str] = []
    for name in MIX_DIMENSIONS:
        value = DIMENSIONS[name].expr("r")
        sql = SQL.render("compare_mix", side=side, value=value, cost=scope.cost("r"), scope=scope.where("r"))
        rows = sqlrun.run(con, sql, params)
        mine = [[(v, int(n), money(c)) for k, v, n, c in rows if k == s] for s in (0, 1)]
        for s in (0, 1):
            out[s][name] = _mix_rows(mine[s], totals[s])
        if q.by is not None and q.by.name == name:
            continue
        gap, common = mix_gap(_shares(mine[0], totals[0]), _shares(mine[1], totals[1]))
        if gap > MIX_GAP:
            head = f"the sides' {name} mixes differ ({numbers.percent(gap)} of the cost would have to move)"
            if common is None:
                warnings.append(f"{head}: they share no {name}, so the change is not {name} for {name}")
            else:
                warnings.append(
                    f"{head}: part of the change may be who was served; hold it equal, e.g. "
                    f"--where {name}={common}"
                )
    return out, warnings


def _empty_side(
    con: duckdb.DuckDBPyConnection, q: CompareQuery, spec: SideSpec, scope: Scope, window: Window
) -> str:
    """One line for a side with no requests: a filter that matches nothing, a value never logged,
    or a window outside the data (with the data's range and the flag to use)."""
    from llmcost.queries.spend import empty_window_warning

    side = f"side {spec.definition}" if q.by is not None else f"side {spec.label}"
    cov = coverage.check(con, scope)
    if cov.unmatched:
        return f"{side}: {cov.unmatched[0].message}"
    if q.by is not None:
        probe = coverage.check(con, Scope(scope.window, (Filter(q.by, spec.label),), scope.cost_mode))
        if probe.unmatched:
            return f"{side}: {probe.unmatched[0].message}"
    matching = " that match the filters" if scope.filters else ""
    if q.by is not None:
        return f"{side}: no requests with {spec.definition} in {window.describe()}{matching}"
    return f"{side}: {empty_window_warning(con, Scope(window, scope.filters, scope.cost_mode))}"


def compare(con: duckdb.DuckDBPyConnection, q: CompareQuery) -> Comparison:
    if q.replicates < 100:
        raise UsageError("--replicates: at least 100 (the interval's ends are the 2.5% and 97.5% points)")
    if q.by is not None and q.values is not None:
        scope = q.scope
        specs = (
            SideSpec(q.values[0], f"{q.by.name}={q.values[0]}"),
            SideSpec(q.values[1], f"{q.by.name}={q.values[1]}"),
        )
        windows = (scope.window, scope.window)
    elif q.before is not None:
        start, split, end = before_after(
            q.before, q.scope.window.since, q.after_until or q.scope.window.until
        )
        tz = q.scope.window.tz
        scope = Scope(Window(start, end, tz), q.scope.filters, q.scope.cost_mode)
        windows = (Window(start, split, tz), Window(split, end, tz))
        specs = (SideSpec("before", windows[0].describe()), SideSpec("after", windows[1].describe()))
    else:
        raise UsageError("compare: give --by DIM --values A,B, or --before DATE")
    side, side_params = _side_sql(q, "r")
    params = {**scope.params(), **side_params}
    sql = SQL.render("compare_traces", side=side, cost=scope.cost("r"), scope=scope.where("r"))
    try:
        sqlrun.run(con, sql, {**params, "event": q.event})
        found = {int(r[0]): r for r in sqlrun.run(con, SQL.render("compare_sides"), {})}
        totals = [_totals(found.get(0)), _totals(found.get(1))]
        for s, spec in enumerate(specs):
            if not totals[s]["requests"]:
                raise UsageError(_empty_side(con, q, spec, scope, windows[s]))
        few = [spec.label for spec, t in zip(specs, totals, strict=True) if t["traces"] < MIN_TRACES]
        intervals = {} if few else _bootstrap(con, q)
        spanning = int(sqlrun.run(con, SQL.render("compare_split"), {})[0][0])
    finally:
        sqlrun.run(con, SQL.render("drop_temp", table=TABLE), {})
    mixes, mix_warnings = _mix(con, q, scope, params, totals)
    sides = tuple(Side(specs[s], windows[s], totals[s], _figures(totals[s]), mixes[s]) for s in (0, 1))
    a, b = sides
    changes = _changes(a, b, intervals)
    has_events = bool(a.totals["events"] and b.totals["events"])
    headline = "cost_per_success" if has_events else "cost_per_trace"
    warnings: list[str] = [*coverage.check(con, scope).warnings, *mix_warnings]
    if q.event is not None and not has_events:
        missing = " and ".join(s.spec.label for s in sides if not s.totals["events"])
        warnings.append(f"no {q.event!r} events on side {missing}: compared per trace instead of per success")
    if few:
        warnings.append(
            f"{'side' if len(few) == 1 else 'sides'} {' and '.join(few)}: fewer than {MIN_TRACES} "
            "traces, too few to tell a change from chance: no intervals, no verdict"
        )
    if spanning:
        warnings.append(
            f"{spanning:,} {'trace has' if spanning == 1 else 'traces have'} calls on both sides: each side "
            "counts its own calls of them, and their success events on both"
        )
    unpriced = sum(s.totals["unpriced_requests"] for s in sides)
    if unpriced:
        warnings.append(
            f"{unpriced:,} unpriced requests: counted, left out of cost (see `llmcost pricing check`)"
        )
    notes = [f"cost mode: {scope.cost_mode}"]
    if not few:
        notes += [
            f"95% intervals: {q.replicates:,} bootstrap resamples of traces (seed {q.seed}); "
            "a trace is the calls sharing a trace_id, an untraced call stands alone",
            "a change whose interval holds 0 is no clear change",
        ]
    title = (
        f"Compare {specs[0].definition} with {specs[1].definition}" if q.by else "Compare before and after"
    )
    if q.before is not None:
        title += f" {scope.window.shown(q.before)}"
    if scope.filters:
        title += f" where {', '.join(f.text for f in scope.filters)}"
    return Comparison(
        title=title,
        sides=(a, b),
        changes=changes,
        headline=headline,
        event=q.event,
        scope=scope,
        parameters={
            "by": q.by.name if q.by else None,
            "values": list(q.values) if q.values else None,
            "before": scope.window.shown(q.before) if q.before else None,
            "event": q.event,
            "replicates": q.replicates,
            "seed": q.seed,
            "level": str(LEVEL),
            "unit": "trace",
        },
        warnings=warnings,
        notes=notes,
    )
