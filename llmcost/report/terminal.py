"""The terminal table (rich). Every value from the logs goes in as a `Text` made visible first,
so `[red]` prints as it is written and an ANSI escape prints as `\\x1b[...`, never as colour."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from llmcost.queries.model import Column, Kind, Report
from llmcost.report.cells import human, is_number
from llmcost.report.facts import fact_lines
from llmcost.report.layout import shown_columns
from llmcost.report.text import visible


def _cell(column: Column, value: object) -> Text:
    text = human(column, value, compact_tokens=True)
    if column.kind in (Kind.DIMENSION, Kind.TEXT):
        style = "dim" if value is None else ""
        return Text(visible(text), style=style)
    if column.kind is Kind.MONEY and value is None:
        return Text(text, style="yellow")
    return Text(text)


def table(report: Report) -> Table:
    columns = shown_columns(report)
    # The box draws one space between columns and no padding is added: a spend table has a dozen
    # columns and must fit 100 characters.
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, header_style="bold", padding=0)
    for c in columns:
        if is_number(c):
            t.add_column(Text(c.label), justify="right", no_wrap=True)
        else:
            t.add_column(Text(c.label), justify="left", overflow="fold", min_width=8)
    for i, r in enumerate(report.rows):
        last = i == len(report.rows) - 1
        style = "italic" if r.get("other") else None
        t.add_row(*(_cell(c, r.get(c.name)) for c in columns), style=style, end_section=last)
    if report.totals is not None and any(c.kind is Kind.DIMENSION for c in columns):
        cells = [
            Text("total") if i == 0 else Text("")
            if c.kind is Kind.DIMENSION
            else _cell(c, report.totals.get(c.name))
            for i, c in enumerate(columns)
        ]
        t.add_row(*cells, style="bold")
    return t


def print_report(report: Report, console: Console) -> None:
    console.print(Text(visible(report.title), style="bold"))
    console.print(table(report))
    for line in fact_lines(report):
        console.print(Text(visible(line), style="dim"))
    for w in report.warnings:
        console.print(Text("warning: " + visible(w), style="yellow"))
    for n in report.notes:
        console.print(Text("note: " + visible(n)))
