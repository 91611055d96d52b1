"""The terminal table of a report. Every value from the logs is made visible first and printed as
a rich `Text`, so `[red]` prints as it is written and an ANSI escape prints as `\\x1b[...`, never as
colour.

The layout is the one every table has (llmcost.report.grid): tenant and feature names and numbers
are never cut or folded; when the terminal is too narrow, the least important columns
(Column.priority) are left out and a line names them. JSON, CSV and Markdown always carry every
column.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from llmcost.queries.model import Column, Kind, Report
from llmcost.report.cells import human, is_number
from llmcost.report.facts import footer, heading, wrap
from llmcost.report.grid import Col, Grid, grid_lines, hidden_line, legend
from llmcost.report.layout import shown_columns
from llmcost.report.text import shown, visible

LOWER_BOUND = "+"
MARKS = {LOWER_BOUND: "the cost leaves out the row's unpriced requests: a lower bound"}

Cell = tuple[str, str]  # text, style


def _cell(column: Column, value: object, *, partly_unpriced: bool = False) -> Cell:
    text = human(column, value, compact_tokens=True)
    if column.kind in (Kind.DIMENSION, Kind.TEXT):
        return visible(text), ("dim" if value is None else "")
    if column.kind is Kind.MONEY and value is None:
        return text, "yellow"
    if column.kind is Kind.MONEY and partly_unpriced:
        # the row's cost leaves its unpriced requests out: a lower bound, marked as one
        return text + LOWER_BOUND, "yellow"
    return text, ""


def _partly_unpriced(row: dict[str, object]) -> bool:
    n = row.get("unpriced_requests")
    return isinstance(n, int) and n > 0


def _col(column: Column) -> Col:
    if column.kind is Kind.DIMENSION:
        return Col(column.label, keep=2)
    return Col(column.label, right=is_number(column), keep=column.priority, wrap=column.kind is Kind.TEXT)


def report_grid(report: Report) -> tuple[Grid, list[Column]]:
    """The report as a grid of the columns the terminal may show (and those columns)."""
    columns = list(shown_columns(report))
    grid = Grid([_col(c) for c in columns], marks=MARKS, gap=1)
    for r in report.rows:
        partly = _partly_unpriced(r)
        grid.add(
            *(_cell(c, r.get(c.name), partly_unpriced=partly) for c in columns),
            style="italic" if r.get("other") else "",
        )
    if report.totals is not None and any(c.kind is Kind.DIMENSION for c in columns):
        totals = report.totals
        cells: list[Cell] = []
        for i, c in enumerate(columns):
            if c.kind is Kind.DIMENSION:
                cells.append(("total" if i == 0 else "", ""))
            else:
                cells.append(_cell(c, totals.get(c.name), partly_unpriced=_partly_unpriced(totals)))
        grid.add(*cells, style="bold", gap=True)
    return grid, columns


def print_report(report: Report, console: Console) -> None:
    """Print `report` within the console's width."""
    # redacted before wrapping: a key split over two lines would pass the console's redaction
    for line in wrap(shown(heading(report)), console.width):
        console.print(Text(line, style="bold"), soft_wrap=True)
    grid, _ = report_grid(report)
    lines, hidden = grid_lines(grid, console.width)
    console.print(Text("\n").join(lines), soft_wrap=True)
    print_footer(report, console, [*legend(grid, hidden), *([hidden_line(hidden)] if hidden else [])])


FOOTER_STYLES = {"warning": "yellow", "problem": "yellow", "fact": "dim", "note": ""}


def print_footer(report: Report, console: Console, extra: list[str]) -> None:
    """Warnings first, then the non-zero facts, what the report covered (and `extra`: the legend
    of the marks, the columns a narrow terminal left out), notes: each wrapped between words
    within the console's width."""
    for item in footer(report, extra):
        for line in wrap(shown(item.text), console.width):
            console.print(Text(line, style=FOOTER_STYLES[item.kind]), soft_wrap=True)
