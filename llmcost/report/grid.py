"""The one terminal table: every table llmcost prints goes through `print_grid`.

rich's own Table, given a table wider than the terminal, squeezes every column at once: tenants
read `tenan…`, amounts `$440.…`, headers `toke…`. Here the policy is fixed instead:

- identity cells (a tenant, model, rule, file, column name) and numbers are never cut or folded;
- a header may break at its spaces ("input" over "tokens"), never inside a word;
- free text may word-wrap, and only in the last column (`Col.wrap`);
- when the columns still do not fit, the least important (`Col.keep` 0, then 1, rightmost first)
  are left out, and one line under the table names them;
- a mark after a number (`$1.50+`) is explained by a legend line when one is shown.

Each column is as wide as its widest cell, so laying out is one pass over the cells (a 500-row
report stays fast). Every cell from logs or config is shown as text, never markup, with secrets
redacted and invisible characters escaped (llmcost.report.text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from llmcost.report.text import shown

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

KEEP = 2  # a column never left out
WRAP_MIN_WIDTH = 24  # the last column's free text wraps down to this width before a column goes
HIDDEN_HINT = "--format json for all"


@dataclass(frozen=True)
class Col:
    name: str  # the header; a "\n" breaks it, and it may break at a space when the cells are narrower
    right: bool = False  # a number: right-aligned, never cut
    keep: int = 1  # left out at a narrow width: 0 first, then 1; KEEP never
    wrap: bool = False  # free text that may word-wrap when it is the last column shown


Cell = str | tuple[str, str]  # text, or (text, rich style)


@dataclass
class Grid:
    cols: list[Col]
    rows: list[list[str]] = field(default_factory=list)
    title: str = ""
    marks: dict[str, str] = field(default_factory=dict)  # a number's suffix -> what it means
    row_styles: list[str] = field(default_factory=list)
    cell_styles: dict[tuple[int, int], str] = field(default_factory=dict)
    gaps: set[int] = field(default_factory=set)  # rows with a blank line before them (a total)
    gap: int = 2  # spaces between columns

    def add(self, *cells: Cell, style: str = "", gap: bool = False) -> None:
        n = len(self.rows)
        row: list[str] = []
        for i, cell in enumerate(cells):
            if isinstance(cell, tuple):
                text, cell_style = cell
                if cell_style:
                    self.cell_styles[(n, i)] = cell_style
            else:
                text = cell
            row.append(text)
        self.rows.append(row)
        self.row_styles.append(style)
        if gap:
            self.gaps.add(n)


@dataclass(frozen=True)
class Layout:
    cols: list[int]  # the columns shown, in order
    widths: list[int]
    hidden: list[int]  # the columns left out, in order


def _words_width(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(w) for w in text.split()), default=0)


def _prepared(grid: Grid) -> list[list[str]]:
    """Every cell as the terminal shows it: secrets redacted, invisible characters escaped (a
    number column may hold text from a log too)."""
    return [[shown(c) for c in row] for row in grid.rows]


def _cells_width(cells: list[list[str]], i: int) -> int:
    from rich.cells import cell_len

    return max((cell_len(row[i]) for row in cells), default=0)


def layout(grid: Grid, width: int, cells: list[list[str]] | None = None) -> Layout:
    """The columns shown within `width` cells, their widths, and the columns left out."""
    from rich.cells import cell_len

    cells = _prepared(grid) if cells is None else cells
    natural_cells = [_cells_width(cells, i) for i in range(len(grid.cols))]
    header = [max(cell_len(line) for line in c.name.split("\n")) for c in grid.cols]
    header_min = [_words_width(c.name) for c in grid.cols]
    natural = [max(h, n) for h, n in zip(header, natural_cells, strict=True)]

    def least(i: int, last: bool) -> int:
        if last and grid.cols[i].wrap:
            return max(header_min[i], min(natural_cells[i], WRAP_MIN_WIDTH))
        return max(header_min[i], natural_cells[i])

    def total(ws: list[int]) -> int:
        return sum(ws) + grid.gap * (len(ws) - 1)

    shown_cols = list(range(len(grid.cols)))
    hidden: list[int] = []
    while shown_cols and total([least(i, i == shown_cols[-1]) for i in shown_cols]) > width:
        candidates = [(grid.cols[i].keep, -n) for n, i in enumerate(shown_cols) if grid.cols[i].keep < KEEP]
        if not candidates:
            break  # identity and numbers stay whole even past the edge
        victim = shown_cols[-min(candidates)[1]]
        shown_cols.remove(victim)
        hidden.append(victim)
    widths = [natural[i] for i in shown_cols]
    floors = [least(i, i == shown_cols[-1]) for i in shown_cols]
    if shown_cols and grid.cols[shown_cols[-1]].wrap and total(floors) > width:
        # nothing left to leave out: the free text wraps narrower still rather than push past the edge
        floors[-1] = max(header_min[shown_cols[-1]], 8, floors[-1] - (total(floors) - width))
    if shown_cols and grid.cols[shown_cols[-1]].wrap:
        # free text wraps before any header breaks
        widths[-1] = max(floors[-1], widths[-1] - max(0, total(widths) - width))
    while total(widths) > width:
        slack = [k for k in range(len(widths)) if widths[k] > floors[k]]
        if not slack:
            break
        widest = max(slack, key=lambda k: widths[k])
        widths[widest] -= 1
    return Layout(shown_cols, widths, sorted(hidden))


def _wrap(text: str, width: int) -> list[str]:
    """`text` word-wrapped to `width`; a word longer than the width is folded."""
    from rich.cells import cell_len, chop_cells

    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while cell_len(word) > width:
            head, *_ = chop_cells(word, width)
            lines.append(head)
            word = word[len(head) :]
        line = word
    lines.append(line)
    return lines


def _header_lines(name: str, width: int) -> list[str]:
    return [part for line in name.split("\n") for part in _wrap(line, width)]


def _pad(text: str, width: int, right: bool) -> str:
    from rich.cells import cell_len

    space = " " * max(0, width - cell_len(text))
    return space + text if right else text + space


def grid_lines(grid: Grid, width: int) -> tuple[list[Text], list[str]]:
    """The table as lines of styled text within `width`, and the names of the columns left out."""
    from rich.text import Text

    cells = _prepared(grid)
    lay = layout(grid, width, cells)
    cols = [grid.cols[i] for i in lay.cols]
    sep = " " * grid.gap
    lines: list[Text] = []
    heads = [_header_lines(c.name, w) for c, w in zip(cols, lay.widths, strict=True)]
    height = max((len(h) for h in heads), default=1)
    for k in range(height):
        parts = []
        for c, h, w in zip(cols, heads, lay.widths, strict=True):
            at = k - (height - len(h))  # headers sit on the rule
            parts.append(_pad(h[at] if at >= 0 else "", w, c.right))
        lines.append(Text(sep.join(parts), style="bold"))
    lines.append(Text("─" * (sum(lay.widths) + grid.gap * max(0, len(cols) - 1))))
    last = len(cols) - 1
    for n, row in enumerate(cells):
        if n in grid.gaps:
            lines.append(Text(""))
        folded = [
            _wrap(row[i], w) if k == last and c.wrap else [row[i]]
            for k, (i, c, w) in enumerate(zip(lay.cols, cols, lay.widths, strict=True))
        ]
        style = grid.row_styles[n] if n < len(grid.row_styles) else ""
        for m in range(max(len(f) for f in folded) if folded else 0):
            line = Text(style=style)
            for k, (i, c, w) in enumerate(zip(lay.cols, cols, lay.widths, strict=True)):
                if k:
                    line.append(sep)
                part = folded[k][m] if m < len(folded[k]) else ""
                line.append(_pad(part, w, c.right), style=grid.cell_styles.get((n, i), ""))
            line.rstrip()
            lines.append(line)
    for line in lines:
        line.rstrip()
    return lines, [grid.cols[i].name.replace("\n", " ") for i in lay.hidden]


def legend(grid: Grid, hidden: list[str] | None = None) -> list[str]:
    """One line per mark that ends a number in a column shown (not one of `hidden`)."""
    left_out = set(hidden or ())
    shown_cols = [i for i, c in enumerate(grid.cols) if c.right and c.name.replace("\n", " ") not in left_out]
    return [
        f"{mark} {meaning}"
        for mark, meaning in grid.marks.items()
        if any(row[i].endswith(mark) for row in grid.rows for i in shown_cols)
    ]


def hidden_line(names: list[str]) -> str:
    return f"not shown at this width: {', '.join(names)} ({HIDDEN_HINT})"


def print_grid(grid: Grid, console: Console, width: int | None = None) -> None:
    """The grid's title, the table within the console's width (or `width`), the legend of its
    marks and the line naming the columns left out."""
    from rich.text import Text

    if grid.title:
        console.print(Text(shown(grid.title), style="bold"), soft_wrap=True)
    lines, hidden = grid_lines(grid, width or console.width)
    console.print(Text("\n").join(lines), soft_wrap=True)
    for line in legend(grid, hidden):
        print_hanging(console, line, "", "  ", style="dim")
    if hidden:
        print_hanging(console, hidden_line(hidden), "", "  ", style="dim")


def print_hanging(
    console: Console, text: str, first: str = "", rest: str | None = None, style: str = ""
) -> None:
    """`text` (from logs or config: shown safe) word-wrapped within the console's width after the
    prefix `first`, its further lines indented by `rest` (as wide as `first` unless given)."""
    from rich.cells import cell_len
    from rich.text import Text

    rest = " " * cell_len(first) if rest is None else rest
    head, *tail = _wrap(shown(text), max(20, console.width - cell_len(first))) or [""]
    lines = [first + head]
    if tail:
        lines += [rest + line for line in _wrap(" ".join(tail), max(20, console.width - cell_len(rest)))]
    console.print(Text("\n".join(lines), style=style), soft_wrap=True)
