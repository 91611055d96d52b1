"""The terminal table. Every value from the logs is made visible first and printed as a rich `Text`,
so `[red]` prints as it is written and an ANSI escape prints as `\\x1b[...`, never as colour.

The table is laid out here rather than by rich's Table: rich, given a table wider than the
terminal, squeezes the one wrappable column (the tenant or feature name) to nothing and cuts the
numbers, and it measures every cell several times (a 500-tenant report spent half a second in
layout). Here each column is as wide as its widest cell; names longer than
DIMENSION_MAX_WIDTH fold onto more lines; when the terminal is still too narrow, the least
important columns (Column.priority) are left out and the footer names them. JSON, CSV and
Markdown always carry every column.
"""

from __future__ import annotations

from rich.cells import cell_len, chop_cells
from rich.console import Console
from rich.text import Text

from llmcost.queries.model import Column, Kind, Report
from llmcost.report.cells import human, is_number
from llmcost.report.facts import footer, heading, wrap
from llmcost.report.layout import shown_columns
from llmcost.report.text import shown, visible

DIMENSION_MAX_WIDTH = 28  # longer names fold onto more lines rather than push numbers off screen
DIMENSION_MIN_WIDTH = 8

Cell = tuple[str, str]  # text, style


def _cell(column: Column, value: object, *, partly_unpriced: bool = False) -> Cell:
    text = human(column, value, compact_tokens=True)
    if column.kind in (Kind.DIMENSION, Kind.TEXT):
        return visible(text), ("dim" if value is None else "")
    if column.kind is Kind.MONEY and value is None:
        return text, "yellow"
    if column.kind is Kind.MONEY and partly_unpriced:
        # the row's cost leaves its unpriced requests out: a lower bound, marked as one
        return text + "+", "yellow"
    return text, ""


def _partly_unpriced(row: dict[str, object]) -> bool:
    n = row.get("unpriced_requests")
    return isinstance(n, int) and n > 0


def _grid(report: Report, columns: list[Column]) -> list[tuple[list[Cell], str]]:
    """Every body row as cells, with the row's style; the totals last."""
    rows = [
        (
            [_cell(c, r.get(c.name), partly_unpriced=_partly_unpriced(r)) for c in columns],
            "italic" if r.get("other") else "",
        )
        for r in report.rows
    ]
    if report.totals is not None and any(c.kind is Kind.DIMENSION for c in columns):
        cells: list[Cell] = []
        for i, c in enumerate(columns):
            if c.kind is Kind.DIMENSION:
                cells.append(("total" if i == 0 else "", ""))
            else:
                cells.append(
                    _cell(c, report.totals.get(c.name), partly_unpriced=_partly_unpriced(report.totals))
                )
        rows.append((cells, "bold"))
    return rows


def _widths(columns: list[Column], grid: list[tuple[list[Cell], str]]) -> list[int]:
    widths = [max(cell_len(line) for line in c.label.split("\n")) for c in columns]
    for cells, _ in grid:
        for i, (text, _) in enumerate(cells):
            widths[i] = max(widths[i], cell_len(text))
    return [
        min(w, DIMENSION_MAX_WIDTH) if c.kind is Kind.DIMENSION else w
        for w, c in zip(widths, columns, strict=True)
    ]


def _droppable(columns: list[Column]) -> Column | None:
    """The least important column, the rightmost of its priority; never a dimension or priority 2."""
    candidates = [
        (c.priority, -i) for i, c in enumerate(columns) if c.kind is not Kind.DIMENSION and c.priority < 2
    ]
    return columns[-min(candidates)[1]] if candidates else None


def layout(report: Report, width: int) -> tuple[list[Column], list[int], list[Column]]:
    """(columns shown, their widths, columns left out) for a terminal `width` cells wide."""
    columns = list(shown_columns(report))
    hidden: list[Column] = []
    grid = _grid(report, columns)
    widths = _widths(columns, grid)
    while sum(widths) + len(widths) - 1 > width:
        victim = _droppable(columns)
        if victim is None:
            break
        i = columns.index(victim)
        del columns[i], widths[i]
        hidden.insert(0, victim)
    # Still too wide with every optional column gone: fold the names narrower.
    while sum(widths) + len(widths) - 1 > width:
        dims = [
            i for i, c in enumerate(columns) if c.kind is Kind.DIMENSION and widths[i] > DIMENSION_MIN_WIDTH
        ]
        if not dims:
            break
        widest = max(dims, key=lambda i: widths[i])
        widths[widest] -= 1
    return columns, widths, hidden


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(0, width - cell_len(text))
    return space + text if right else text + space


def table_lines(report: Report, width: int) -> tuple[list[Text], list[Column]]:
    """The table as lines of styled text, and the columns left out to fit `width`."""
    columns, widths, hidden = layout(report, width)
    right = [is_number(c) for c in columns]
    lines: list[Text] = []
    labels = [c.label.split("\n") for c in columns]
    height = max((len(lab) for lab in labels), default=1)
    for k in range(height):
        line = Text(style="bold")
        for i, lab in enumerate(labels):
            part = lab[k - (height - len(lab))] if k >= height - len(lab) else ""
            line.append(("" if i == 0 else " ") + _pad(part, widths[i], right[i]))
        lines.append(line)
    lines.append(Text("─" * (sum(widths) + len(widths) - 1)))
    grid = _grid(report, columns)
    has_totals = report.totals is not None and any(c.kind is Kind.DIMENSION for c in columns)
    for n, (cells, row_style) in enumerate(grid):
        if has_totals and n == len(grid) - 1:
            lines.append(Text(""))
        folded = [
            chop_cells(text, widths[i]) or [""] if not right[i] else [text]
            for i, (text, _) in enumerate(cells)
        ]
        for k in range(max(len(f) for f in folded)):
            line = Text(style=row_style)
            for i, f in enumerate(folded):
                part = f[k] if k < len(f) else ""
                if i:
                    line.append(" ")
                line.append(_pad(part, widths[i], right[i]), style=cells[i][1])
            line.rstrip()
            lines.append(line)
    for line in lines:
        line.rstrip()
    return lines, hidden


def print_report(report: Report, console: Console) -> None:
    """Print `report` within the console's width."""
    # redacted before wrapping: a key split over two lines would pass the console's redaction
    for line in wrap(shown(heading(report)), console.width):
        console.print(Text(line, style="bold"), soft_wrap=True)
    lines, hidden = table_lines(report, console.width)
    console.print(Text("\n").join(lines), soft_wrap=True)
    print_footer(report, console, hidden)


FOOTER_STYLES = {"warning": "yellow", "problem": "yellow", "fact": "dim", "note": ""}


def print_footer(report: Report, console: Console, hidden: list[Column]) -> None:
    """Warnings first, then the non-zero facts, what the report covered, notes: each wrapped
    between words within the console's width."""
    extra = []
    if hidden:
        names = ", ".join(c.title for c in hidden)
        extra.append(f"not shown at this width: {names} (see --format md, csv or json)")
    for item in footer(report, extra):
        for line in wrap(shown(item.text), console.width):
            console.print(Text(line, style=FOOTER_STYLES[item.kind]), soft_wrap=True)
