"""The terminal table (rich). Every value from the logs goes in as a `Text` made visible first,
so `[red]` prints as it is written and an ANSI escape prints as `\\x1b[...`, never as colour.

Rich, given a table wider than the terminal, squeezes the one wrappable column (the tenant or
feature name) to nothing and cuts the numbers; a report must never lose its labels. So columns
are dropped instead, least important first (Column.priority), and the footer says which: JSON,
CSV and Markdown always carry all of them.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from llmcost.queries.model import Column, Kind, Report
from llmcost.report.cells import human, is_number
from llmcost.report.facts import fact_lines
from llmcost.report.layout import shown_columns
from llmcost.report.text import visible

DIMENSION_MAX_WIDTH = 28  # longer names fold onto more lines rather than push numbers off screen


def _cell(column: Column, value: object) -> Text:
    text = human(column, value, compact_tokens=True)
    if column.kind in (Kind.DIMENSION, Kind.TEXT):
        style = "dim" if value is None else ""
        return Text(visible(text), style=style)
    if column.kind is Kind.MONEY and value is None:
        return Text(text, style="yellow")
    return Text(text)


def build(report: Report, columns: list[Column]) -> Table:
    # The box draws one space between columns and no padding is added: a spend table has a dozen
    # columns and must fit 100 characters.
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, header_style="bold", padding=0)
    for c in columns:
        if is_number(c):
            t.add_column(Text(c.label), justify="right", no_wrap=True)
        else:
            t.add_column(Text(c.label), justify="left", overflow="fold", max_width=DIMENSION_MAX_WIDTH)
    for i, r in enumerate(report.rows):
        last = i == len(report.rows) - 1
        style = "italic" if r.get("other") else None
        t.add_row(*(_cell(c, r.get(c.name)) for c in columns), style=style, end_section=last)
    if report.totals is not None and any(c.kind is Kind.DIMENSION for c in columns):
        cells = []
        for i, c in enumerate(columns):
            if c.kind is Kind.DIMENSION:
                cells.append(Text("total" if i == 0 else ""))
            else:
                cells.append(_cell(c, report.totals.get(c.name)))
        t.add_row(*cells, style="bold")
    return t


def _natural_width(table: Table) -> int:
    probe = Console(width=100_000, color_system=None)
    return Measurement.get(probe, probe.options, table).maximum


def _droppable(columns: list[Column]) -> Column | None:
    """The least important column, the rightmost of its priority; never a dimension or priority 2."""
    candidates = [
        (c.priority, -i, c) for i, c in enumerate(columns) if c.kind is not Kind.DIMENSION and c.priority < 2
    ]
    return min(candidates, key=lambda x: (x[0], x[1]))[2] if candidates else None


def fitted(report: Report, width: int | None) -> tuple[Table, list[Column]]:
    """The table, and the columns left out to fit `width` (None: no limit)."""
    columns = list(shown_columns(report))
    hidden: list[Column] = []
    while True:
        t = build(report, columns)
        if width is None or _natural_width(t) <= width:
            return t, hidden
        victim = _droppable(columns)
        if victim is None:
            return t, hidden
        columns.remove(victim)
        hidden.insert(0, victim)


def print_report(report: Report, console: Console) -> None:
    """Print `report` within the console's width."""
    console.print(Text(visible(report.title), style="bold"), soft_wrap=True)
    table, hidden = fitted(report, console.width)
    console.print(table)
    for line in fact_lines(report):
        console.print(Text(visible(line), style="dim"), soft_wrap=True)
    if hidden:
        names = ", ".join(c.title for c in hidden)
        console.print(Text(f"not shown at this width: {names} (see --format md, csv or json)", style="dim"),
                      soft_wrap=True)  # fmt: skip
    for w in report.warnings:
        console.print(Text("warning: " + visible(w), style="yellow"), soft_wrap=True)
    for n in report.notes:
        console.print(Text("note: " + visible(n)), soft_wrap=True)
