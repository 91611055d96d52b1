"""`llmcost traces` and `llmcost trace ID` as terminal tables (report/grid.py), Markdown and CSV;
JSON is the results' `as_dict` (schemas llmcost.traces/1 and llmcost.trace/1, docs/json.md).

A cost some of whose calls are unpriced carries a `+` (at least this much), explained under the table.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost import numbers as fmt
from llmcost.queries.traces import Distribution, Timeline, TracesReport, TraceSummary
from llmcost.report.grid import KEEP, Col, Grid, print_grid, print_hanging
from llmcost.report.margin import markdown_cell
from llmcost.report.text import neutral_cell, visible

if TYPE_CHECKING:
    from rich.console import Console

PARTLY = "+"
PARTLY_MEANS = "some calls unpriced: at least this much"
NOT_LOGGED = "(not logged)"
NONE = "—"


def _usd(v: Decimal | None, unpriced: int = 0) -> str:
    if v is None:
        return "unpriced"
    return fmt.usd(v) + (PARTLY if unpriced else "")


def _spread_usd(v: Any) -> str:
    return NONE if v is None else fmt.usd(v)


def _n(v: Any) -> str:
    return NONE if v is None else fmt.count(int(v))


def duration(ms: Any) -> str:
    """A trace's span for people: 850ms, 42s, 7m05s, 3h12m."""
    if ms is None:
        return NONE
    ms = int(ms)
    if ms < 1000:
        return f"{ms}ms"
    s = ms // 1000
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{(s % 3600) // 60:02d}m"


def noun(r: TracesReport | Timeline) -> str:
    return "session" if r.unit == "session" else "trace"


def title(r: TracesReport) -> str:
    return f"Cost per {noun(r)}, {r.scope.window.describe()}"


def subtitle(r: TracesReport) -> str:
    parts = [f"{fmt.count(r.units)} {noun(r)}s", f"cost mode {r.scope.cost_mode}"]
    if r.scope.filters:
        parts.append("where " + ", ".join(f.text for f in r.scope.filters))
    return "; ".join(parts) + "."


def notes(r: TracesReport) -> list[str]:
    out = list(r.notes)
    if r.untraced_calls:
        idn = "session id" if r.unit == "session" else "trace id"
        out.append(f"{fmt.count(r.untraced_calls)} call(s) in the window have no {idn}: not counted here.")
    return out


DIST_COLUMNS = (
    "feature",
    "traces",
    "cost",
    "p50 cost",
    "p90 cost",
    "p99 cost",
    "max cost",
    "p50 calls",
    "p99 calls",
    "max calls",
    "p99 tokens",
    "p99 time",
)


def dist_header(r: TracesReport) -> tuple[str, ...]:
    return (DIST_COLUMNS[0], f"{noun(r)}s", *DIST_COLUMNS[2:])


def dist_cells(d: Distribution) -> list[str]:
    return [
        "(all)" if d.total else (d.feature or NOT_LOGGED),
        fmt.count(d.units),
        _usd(d.cost) if d.cost is not None else "unpriced",
        _spread_usd(d.cost_spread.p50),
        _spread_usd(d.cost_spread.p90),
        _spread_usd(d.cost_spread.p99),
        _spread_usd(d.cost_spread.max),
        _n(d.calls.p50),
        _n(d.calls.p99),
        _n(d.calls.max),
        _n(d.tokens.p99),
        duration(d.duration_ms.p99),
    ]


def dist_grid(r: TracesReport) -> Grid:
    keep = {"feature": KEEP, "p99 cost": KEEP, "max cost": KEEP, "p50 cost": 1, "p99 calls": 1}
    head = dist_header(r)
    keep[head[1]] = KEEP
    grid = Grid(
        [Col(n, n != "feature", keep.get(n, 0)) for n in head], title=f"Per feature, cost per {noun(r)}"
    )
    for d in r.distributions:
        grid.add(*dist_cells(d), style="bold" if d.total else "", gap=d.total)
    return grid


def top_header(r: TracesReport) -> tuple[str, ...]:
    if r.unit == "session":
        return (
            "session",
            "tenant",
            "feature",
            "traces",
            "calls",
            "tokens",
            "cost",
            "first",
            "span",
            "failed",
            "models",
        )
    return (
        "trace",
        "tenant",
        "feature",
        "session",
        "calls",
        "tokens",
        "cost",
        "first",
        "span",
        "failed",
        "models",
    )


def top_cells(r: TracesReport, t: TraceSummary) -> list[str]:
    fourth = fmt.count(t.traces) if r.unit == "session" else (t.session or NONE)
    return [
        t.unit_id,
        t.tenant or NOT_LOGGED,
        t.feature or NOT_LOGGED,
        fourth,
        fmt.count(t.calls),
        fmt.tokens(t.tokens),
        _usd(t.cost, t.unpriced),
        fmt.instant(t.first),
        duration(t.duration_ms),
        fmt.count(t.failed),
        ", ".join(t.models),
    ]


def top_grid(r: TracesReport) -> Grid:
    head = top_header(r)
    keep = {head[0]: KEEP, "cost": KEEP, "calls": KEEP, "tenant": 1, "feature": 1, "failed": 1}
    numbers = {"traces", "calls", "tokens", "cost", "span", "failed"}
    cols = [Col(n, n in numbers, keep.get(n, 0), wrap=n == "models") for n in head]
    grid = Grid(cols, title=f"Costliest {noun(r)}s", marks={PARTLY: PARTLY_MEANS})
    for t in r.top:
        grid.add(*top_cells(r, t), style="red" if t.failed else "")
    return grid


def print_traces(r: TracesReport, console: Console) -> None:
    from rich.text import Text

    console.print(Text(visible(title(r)), style="bold"), soft_wrap=True)
    print_hanging(console, subtitle(r))
    if not r.distributions:
        console.print(Text(f"No {noun(r)}s in the window."), markup=False)
    else:
        console.print(Text(""))
        print_grid(dist_grid(r), console)
        console.print(Text(""))
        print_grid(top_grid(r), console)
    for n in notes(r):
        print_hanging(console, n, "note: ", style="dim")


def _md_table(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in rows]
    return out


def markdown(r: TracesReport) -> str:
    lines = [f"# {markdown_cell(title(r))}", "", markdown_cell(subtitle(r)), ""]
    lines += [f"## Per feature, cost per {noun(r)}", ""]
    lines += _md_table(dist_header(r), [dist_cells(d) for d in r.distributions])
    lines += ["", f"## Costliest {noun(r)}s", ""]
    lines += _md_table(top_header(r), [top_cells(r, t) for t in r.top])
    if any(t.unpriced and t.cost is not None for t in r.top):
        lines += ["", f"{PARTLY} {PARTLY_MEANS}"]
    ns = notes(r)
    if ns:
        lines += ["", "## Notes", ""] + [f"- {markdown_cell(n)}" for n in ns]
    return "\n".join(lines) + "\n"


def _text(v: str | None) -> str:
    return "" if v is None else visible(neutral_cell(v))


def _money(v: Decimal | None) -> str:
    return "" if v is None else fmt.exact_usd(v)


def _int(v: Any) -> str:
    return "" if v is None else str(int(v))


CSV_COLUMNS = (
    "row",
    "id",
    "tenant_id",
    "feature",
    "session_id",
    "traces",
    "calls",
    "tokens",
    "cost_usd",
    "unpriced_calls",
    "failed_calls",
    "first",
    "last",
    "duration_ms",
    "models",
)


def render_csv(r: TracesReport) -> str:
    """One line per trace (`row` = trace or session) of the top list; the distribution is in the
    JSON and the table (a percentile per column would not be one record per line)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for t in r.top:
        w.writerow(
            [
                r.unit,
                _text(t.unit_id),
                _text(t.tenant),
                _text(t.feature),
                _text(t.session),
                str(t.traces),
                str(t.calls),
                str(t.tokens),
                _money(t.cost),
                str(t.unpriced),
                str(t.failed),
                t.first.isoformat().replace("+00:00", "Z"),
                t.last.isoformat().replace("+00:00", "Z"),
                str(t.duration_ms),
                _text(";".join(t.models)),
            ]
        )
    return buf.getvalue()


# -- one trace's timeline ------------------------------------------------------------------------

TIMELINE_COLUMNS = (
    "#",
    "time",
    "model",
    "input",
    "cached",
    "output",
    "cost",
    "cumulative",
    "latency",
    "outcome",
)


def timeline_title(t: Timeline) -> str:
    return f"{noun(t).capitalize()} {t.unit_id}"


def timeline_subtitle(t: Timeline) -> str:
    first = t.calls[0]
    span = duration(int((t.calls[-1].ts - first.ts).total_seconds() * 1000))
    parts = [
        f"tenant {first.tenant or NOT_LOGGED}",
        f"feature {first.feature or NOT_LOGGED}",
    ]
    if t.unit == "trace" and first.session_id:
        parts.append(f"session {first.session_id}")
    parts += [
        f"{fmt.count(len(t.calls))} calls from {fmt.instant(first.ts)} over {span}",
        f"{fmt.count(t.failed)} failed",
        f"cost {_usd(t.cost, t.unpriced)}",
        f"cost mode {t.cost_mode}",
    ]
    return "; ".join(parts) + "."


def _one_day(t: Timeline) -> bool:
    return t.calls[0].ts.astimezone(UTC).date() == t.calls[-1].ts.astimezone(UTC).date()


def timeline_cells(t: Timeline) -> list[list[str]]:
    """The calls' cells; within one UTC day the time is shown as HH:MM:SS (the day is in the
    subtitle)."""
    rows = []
    short = _one_day(t)
    for i, c in enumerate(t.calls, 1):
        rows.append(
            [
                str(i),
                c.ts.astimezone(UTC).strftime("%H:%M:%S") if short else fmt.instant(c.ts),
                c.model,
                fmt.count(c.input_tokens),
                fmt.count(c.cached_input_tokens),
                fmt.count(c.output_tokens),
                _usd(c.cost),
                fmt.usd(c.cumulative),
                NONE if c.latency_ms is None else f"{fmt.count(c.latency_ms)}ms",
                c.outcome,
            ]
        )
    return rows


def timeline_grid(t: Timeline) -> Grid:
    keep = {"#": KEEP, "time": KEEP, "model": KEEP, "cost": KEEP, "outcome": KEEP}
    keep.update(input=1, output=1, cumulative=1)
    numbers = {"#", "input", "cached", "output", "cost", "cumulative", "latency"}
    grid = Grid([Col(n, n in numbers, keep.get(n, 0)) for n in TIMELINE_COLUMNS], title="Calls")
    for cells, c in zip(timeline_cells(t), t.calls, strict=True):
        grid.add(*cells, style="" if c.outcome == "success" else "red")
    return grid


EVENT_COLUMNS = ("time", "event", "value", "request")


def event_cells(t: Timeline) -> list[list[str]]:
    return [
        [
            fmt.instant(e.ts),
            e.event,
            NONE if e.value is None else fmt.decimal(e.value, "0.01"),
            e.request_id or (f"trace {e.trace_id}" if e.trace_id else NONE),
        ]
        for e in t.events
    ]


def print_timeline(t: Timeline, console: Console) -> None:
    from rich.text import Text

    console.print(Text(visible(timeline_title(t)), style="bold"), soft_wrap=True)
    print_hanging(console, timeline_subtitle(t))
    console.print(Text(""))
    print_grid(timeline_grid(t), console)
    console.print(Text(""))
    if t.events:
        grid = Grid(
            [Col(n, n == "value", KEEP if n != "request" else 0) for n in EVENT_COLUMNS],
            title="Outcome events",
        )
        for cells in event_cells(t):
            grid.add(*cells)
        print_grid(grid, console)
    else:
        console.print(Text("No outcome events linked to it."), markup=False)


def timeline_markdown(t: Timeline) -> str:
    lines = [f"# {markdown_cell(timeline_title(t))}", "", markdown_cell(timeline_subtitle(t)), ""]
    lines += _md_table(TIMELINE_COLUMNS, timeline_cells(t))
    lines += ["", "## Outcome events", ""]
    lines += _md_table(EVENT_COLUMNS, event_cells(t)) if t.events else ["None linked to it."]
    return "\n".join(lines) + "\n"


TIMELINE_CSV = (
    "n",
    "request_id",
    "ts",
    "trace_id",
    "session_id",
    "model",
    "input_tokens",
    "cached_input_tokens",
    "output_tokens",
    "cost_usd",
    "cumulative_cost_usd",
    "latency_ms",
    "outcome",
)


def timeline_csv(t: Timeline) -> str:
    """One line per call, in order; the events are in the JSON and the table."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(TIMELINE_CSV)
    for i, c in enumerate(t.calls, 1):
        w.writerow(
            [
                str(i),
                _text(c.request_id),
                c.ts.isoformat().replace("+00:00", "Z"),
                _text(c.trace_id),
                _text(c.session_id),
                _text(c.model),
                str(c.input_tokens),
                str(c.cached_input_tokens),
                str(c.output_tokens),
                _money(c.cost),
                fmt.exact_usd(c.cumulative),
                _int(c.latency_ms),
                c.outcome,
            ]
        )
    return buf.getvalue()
