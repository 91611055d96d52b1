"""A comparison (llmcost.queries.compare) for people and for machines: a terminal table (one row
per figure: side A, side B, the change, its 95% interval, the verdict), an HTML page (the same
table with each relative change and its interval drawn on one axis; no script, nothing loaded),
Markdown, CSV and the `llmcost.compare/1` JSON document (docs/json.md)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost import numbers
from llmcost.queries.compare import HIGHER, LOWER, Change, Comparison, MixRow, Side
from llmcost.report.grid import Col, Grid, print_grid, print_hanging
from llmcost.report.jsonfmt import schema_tag
from llmcost.report.text import markdown_cell, neutral_cell, visible

if TYPE_CHECKING:
    from rich.console import Console

KIND = "compare"


# -- numbers ---------------------------------------------------------------------------------


def _value(kind: str, v: Decimal | int | None) -> str:
    if v is None:
        return "-"
    if kind == "count":
        return numbers.count(int(v))
    if kind in ("money", "unit_money"):
        return numbers.usd(v)
    if kind == "tokens":
        return numbers.decimal(v)
    return numbers.percent(v)  # rate


def _delta(kind: str, v: Decimal | int | None) -> str:
    if v is None:
        return "-"
    if kind == "count":
        return f"{int(v):+,}"
    if kind in ("money", "unit_money"):
        return numbers.signed_usd(v)
    if kind == "tokens":
        return f"{'+' if v > 0 else ''}{numbers.decimal(v)}"
    return numbers.signed_percent(v).removesuffix("%") + " pt"  # a rate's change, in points


def _interval(c: Change) -> str:
    if c.relative_low is not None and c.relative_high is not None:
        low = numbers.signed_percent(c.relative_low).removesuffix("%")
        return f"{low}..{numbers.signed_percent(c.relative_high)}"
    if c.low is not None and c.high is not None:
        return f"{_delta(c.metric.kind, c.low)}..{_delta(c.metric.kind, c.high)}"
    return ""


def _relative(c: Change) -> str:
    return "-" if c.relative is None else numbers.signed_percent(c.relative)


def verdict_line(cmp: Comparison) -> str:
    """The sentence under the table: the headline figure, which way it moved and how sure."""
    c = cmp.change(cmp.headline)
    a, b = (s.spec.label for s in cmp.sides)
    if c.change is None:
        return f"{c.metric.label}: not comparable (a side has none)"
    if c.verdict is None:
        return (
            f"{c.metric.label}: {_value(c.metric.kind, c.a)} -> {_value(c.metric.kind, c.b)}, "
            f"{_delta(c.metric.kind, c.change)} ({_relative(c)}; too few traces for an interval)"
        )
    how = {HIGHER: f"higher on {b} than on {a}", LOWER: f"lower on {b} than on {a}"}.get(
        c.verdict, "no clear change"
    )
    return (
        f"{c.metric.label}: {how}: {_value(c.metric.kind, c.a)} -> {_value(c.metric.kind, c.b)}, "
        f"{_delta(c.metric.kind, c.change)} ({_relative(c)}; 95% interval {_interval(c)})"
    )


def _mix_text(rows: list[MixRow]) -> str:
    parts = []
    for r in rows:
        name = "(not logged)" if r.value is None else r.value
        parts.append(f"{name} {numbers.percent(r.share) if r.share is not None else '-'}")
    return ", ".join(parts) or "-"


# -- terminal --------------------------------------------------------------------------------


def render_terminal(cmp: Comparison, console: Console) -> None:
    from rich.text import Text

    a, b = cmp.sides
    grid = Grid(
        cols=[
            Col("figure", keep=2),
            Col(a.spec.label, right=True, keep=2),
            Col(b.spec.label, right=True, keep=2),
            Col("diff", right=True, keep=0),
            Col("change", right=True, keep=1),
            Col("95% interval", right=True, keep=2),
            Col("verdict", keep=2, wrap=True),
        ],
    )
    for c in cmp.changes:
        k = c.metric.kind
        grid.add(
            c.metric.label,
            _value(k, c.a),
            _value(k, c.b),
            _delta(k, c.change),
            _relative(c),
            _interval(c),
            c.verdict or "",
            style="bold" if c.metric.name == cmp.headline else "",
        )
    print_hanging(console, cmp.title, "", "  ", style="bold")
    if any(s.spec.definition != f"{cmp.parameters['by']}={s.spec.label}" for s in cmp.sides):
        for s in cmp.sides:
            print_hanging(console, f"{s.spec.label}: {s.spec.definition}", "", "  ")
    print_grid(grid, console)
    console.print(Text(""))
    print_hanging(console, verdict_line(cmp), "", "  ", style="bold")
    for s in cmp.sides:
        for dim, rows in s.mix.items():
            print_hanging(console, f"mix {s.spec.label}, {dim}: {_mix_text(rows)}", "", "  ")
    for w in cmp.warnings:
        print_hanging(console, w, "warning: ", style="yellow")
    for n in cmp.notes:
        print_hanging(console, n, "", "  ", style="dim")


# -- JSON ------------------------------------------------------------------------------------


def _machine(kind: str, v: Decimal | int | None) -> str | int | None:
    if v is None:
        return None
    if kind == "count":
        return int(v)
    if kind in ("money", "unit_money"):
        return numbers.exact_usd(v)
    return str(v)


def _side_doc(s: Side) -> dict[str, Any]:
    return {
        "label": s.spec.label,
        "definition": s.spec.definition,
        "window": s.window.as_dict(),
        "requests": s.totals["requests"],
        "traces": s.totals["traces"],
        "failures": s.totals["failures"],
        "unpriced_requests": s.totals["unpriced_requests"],
        "input_tokens": s.totals["input_tokens"],
        "output_tokens": s.totals["output_tokens"],
        "events": s.totals["events"],
        "figures": {
            c_name: _machine(kind, s.figures[c_name])
            for c_name, kind in ((m.name, m.kind) for m in _metrics())
        },
        "mix": {
            dim: [
                {
                    "value": r.value,
                    "requests": r.requests,
                    "cost_usd": None if r.cost_usd is None else numbers.exact_usd(r.cost_usd),
                    "share": None if r.share is None else str(r.share),
                }
                for r in rows
            ]
            for dim, rows in s.mix.items()
        },
    }


def _metrics() -> tuple[Any, ...]:
    from llmcost.queries.compare import METRICS

    return METRICS


def _change_doc(c: Change) -> dict[str, Any]:
    k = c.metric.kind
    return {
        "metric": c.metric.name,
        "a": _machine(k, c.a),
        "b": _machine(k, c.b),
        "change": _machine(k, c.change),
        "relative": None if c.relative is None else str(c.relative),
        "interval": None
        if c.low is None
        else {
            "low": _machine(k, c.low),
            "high": _machine(k, c.high),
            "relative_low": None if c.relative_low is None else str(c.relative_low),
            "relative_high": None if c.relative_high is None else str(c.relative_high),
        },
        "verdict": c.verdict,
    }


def document(cmp: Comparison) -> dict[str, Any]:
    from llmcost.queries.dimensions import filters_dict

    return {
        "schema": schema_tag(KIND),
        "title": cmp.title,
        "cost_mode": cmp.scope.cost_mode,
        "filters": filters_dict(cmp.scope.filters),
        "parameters": cmp.parameters,
        "headline": cmp.headline,
        "verdict": cmp.change(cmp.headline).verdict,
        "sides": [_side_doc(s) for s in cmp.sides],
        "changes": [_change_doc(c) for c in cmp.changes],
        "warnings": list(cmp.warnings),
        "notes": list(cmp.notes),
    }


# -- Markdown and CSV ------------------------------------------------------------------------


def render_markdown(cmp: Comparison) -> str:
    a, b = cmp.sides
    lines = [f"## {markdown_cell(cmp.title)}", ""]
    lines += [f"- **{markdown_cell(s.spec.label)}**: {markdown_cell(s.spec.definition)}" for s in cmp.sides]
    lines += [
        "",
        f"| figure | {markdown_cell(a.spec.label)} | {markdown_cell(b.spec.label)} | diff | change "
        "| 95% interval | verdict |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for c in cmp.changes:
        k = c.metric.kind
        lines.append(
            f"| {c.metric.label} | {_value(k, c.a)} | {_value(k, c.b)} | {_delta(k, c.change)} | "
            f"{_relative(c)} | {_interval(c)} | {c.verdict or ''} |"
        )
    lines += ["", f"**{markdown_cell(verdict_line(cmp))}**", ""]
    for s in cmp.sides:
        for dim, rows in s.mix.items():
            lines.append(f"- mix {markdown_cell(s.spec.label)}, {dim}: {markdown_cell(_mix_text(rows))}")
    lines += [f"- warning: {markdown_cell(w)}" for w in cmp.warnings]
    lines += [f"- {markdown_cell(n)}" for n in cmp.notes]
    return "\n".join(lines) + "\n"


CSV_COLUMNS = (
    "metric",
    "a",
    "b",
    "change",
    "relative",
    "low",
    "high",
    "relative_low",
    "relative_high",
    "verdict",
)


def render_csv(cmp: Comparison) -> str:
    """One line per figure, exact values as in JSON; `side_a` and `side_b` say what each side is."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    a, b = cmp.sides
    sides = [visible(neutral_cell(s.spec.definition)) for s in (a, b)]
    w.writerow([*CSV_COLUMNS, "side_a", "side_b"])
    for c in cmp.changes:
        d = _change_doc(c)
        iv = d["interval"] or {}
        w.writerow(
            [
                d["metric"],
                *("" if d[k] is None else d[k] for k in ("a", "b", "change", "relative")),
                *(
                    "" if iv.get(k) is None else iv[k]
                    for k in ("low", "high", "relative_low", "relative_high")
                ),
                d["verdict"] or "",
                *sides,
            ]
        )
    return buf.getvalue()


# -- HTML ------------------------------------------------------------------------------------

BAR_WIDTH = 220  # px: the relative change and its interval, on one axis shared by every row
VERDICT_COLOURS = {HIGHER: "#c0392b", LOWER: "#2e7d32"}


def _bars(cmp: Comparison) -> dict[str, dict[str, Any]]:
    """Each figure's relative change and interval as x positions on one axis centred on 0."""
    ends = [
        abs(v) for c in cmp.changes for v in (c.relative, c.relative_low, c.relative_high) if v is not None
    ]
    reach = max(ends, default=Decimal(0))
    if reach == 0:
        return {}
    zero = BAR_WIDTH // 2
    half = zero - 6  # room for the point's radius at either end

    def x(v: Decimal) -> str:
        return f"{zero + float(v / reach) * half:.1f}"

    bars = {}
    for c in cmp.changes:
        if c.relative is None:
            continue
        both = c.relative_low is not None and c.relative_high is not None
        bars[c.metric.name] = {
            "width": BAR_WIDTH,
            "zero": zero,
            "point": x(c.relative),
            "low": x(c.relative_low) if both and c.relative_low is not None else None,
            "high": x(c.relative_high) if both and c.relative_high is not None else None,
            "colour": VERDICT_COLOURS.get(c.verdict or "", "#777777"),
        }
    return bars


def render_html(cmp: Comparison) -> str:
    """One self-contained page: the sides, the verdict, the figures with their intervals drawn,
    each side's mix. Values from logs are autoescaped and shown visible (as in the terminal);
    the Content-Security-Policy allows its one inline style and nothing else."""
    from markupsafe import Markup

    from llmcost.report.html import content_security_policy, environment, stylesheet

    style = stylesheet()
    bars = _bars(cmp)
    rows = []
    for c in cmp.changes:
        k = c.metric.kind
        rows.append(
            {
                "metric": c.metric.name,
                "label": c.metric.label,
                "headline": c.metric.name == cmp.headline,
                "a": _value(k, c.a),
                "b": _value(k, c.b),
                "diff": _delta(k, c.change),
                "change": _relative(c),
                "interval": _interval(c),
                "bar": bars.get(c.metric.name),
                "verdict": c.verdict or "",
            }
        )
    mix = [
        f"{s.spec.label}, {dim}: {_mix_text(mix_rows)}" for s in cmp.sides for dim, mix_rows in s.mix.items()
    ]
    parameters = [
        (k, ", ".join(map(str, v)) if isinstance(v, list | tuple) else str(v))
        for k, v in cmp.parameters.items()
        if v is not None and v != []
    ]
    return (
        environment()
        .get_template("compare.html.j2")
        .render(
            csp=content_security_policy([], [style]),
            style=Markup(style),
            title=visible(cmp.title),
            sides=[
                {"label": visible(s.spec.label), "definition": visible(s.spec.definition)} for s in cmp.sides
            ],
            parameters=[(k, visible(v)) for k, v in parameters],
            verdict=visible(verdict_line(cmp)),
            warnings=[visible(w) for w in cmp.warnings],
            rows=rows,
            mix=[visible(m) for m in mix],
            notes=[visible(n) for n in cmp.notes],
        )
    )
