"""Markdown reports: a heading (title, dates covered, filters), a table (numbers right-aligned, the
total last), then the warnings, the data-quality facts and notes as lists. Every value is escaped,
so a tenant named `<script>` or `[x](javascript:...)` is text on GitHub or in any renderer."""

from __future__ import annotations

from llmcost.queries.model import Column, Kind, Report
from llmcost.report.cells import human, is_number
from llmcost.report.facts import fact_lines, heading
from llmcost.report.jsonfmt import warnings
from llmcost.report.layout import shown_columns
from llmcost.report.text import markdown_cell


def _cell(column: Column, value: object) -> str:
    text = human(column, value)
    return markdown_cell(text) if column.kind in (Kind.DIMENSION, Kind.TEXT) else text


def render_markdown(report: Report) -> str:
    columns = shown_columns(report)
    out = [f"## {markdown_cell(heading(report))}", ""]
    out.append("| " + " | ".join(markdown_cell(c.title) for c in columns) + " |")
    out.append("|" + "|".join("---:" if is_number(c) else ":---" for c in columns) + "|")
    for r in report.rows:
        out.append("| " + " | ".join(_cell(c, r.get(c.name)) for c in columns) + " |")
    if report.totals is not None and any(c.kind is Kind.DIMENSION for c in columns):
        cells = []
        for i, c in enumerate(columns):
            if c.kind is Kind.DIMENSION:
                cells.append("**total**" if i == 0 else "")
            else:
                cells.append(f"**{_cell(c, report.totals.get(c.name))}**")
        out.append("| " + " | ".join(cells) + " |")
    warned = warnings(report)
    if warned:
        out += ["", "**Warnings**", ""]
        out += [f"- {markdown_cell(w)}" for w in warned]
    out += ["", "**Data quality**", ""]
    out += [f"- {markdown_cell(line)}" for line in fact_lines(report)]
    if report.notes:
        out += ["", "**Notes**", ""]
        out += [f"- {markdown_cell(n)}" for n in report.notes]
    return "\n".join(out) + "\n"
