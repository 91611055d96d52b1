"""The one table layout (llmcost.report.grid) at 60, 80 and 120 columns: identity cells and numbers
are never cut, the least important columns go first and are named, free text wraps only in the
last column, and a mark after a number is explained."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from llmcost.report.grid import KEEP, Col, Grid, grid_lines, layout, print_grid

TENANTS = ["tenant-spike-eu-west-1", "tenant_acme_corporation", "t_b"]


def budgets() -> Grid:
    """A budgets-like table: the tenant and month to date must stay, the rest may go."""
    grid = Grid(
        [
            Col("tenant", keep=KEEP),
            Col("plan", keep=1),
            Col("day", True, 1),
            Col("daily limit", True, 1),
            Col("max day", True, 0),
            Col("days over", True, 0),
            Col("month to date", True, KEEP),
            Col("monthly limit", True, 1),
            Col("forecast", True, 1),
        ]
    )
    for n, tenant in enumerate(TENANTS):
        grid.add(
            tenant,
            "enterprise",
            f"${440.86 * (n + 1):,.2f}",
            "$500.00",
            "$9.6660 (03-10)",
            str(n),
            f"${12_345.67 * (n + 1):,.2f}",
            "$15,000.00",
            f"${40_000.12 * (n + 1):,.2f}",
        )
    return grid


def render(grid: Grid, width: int) -> str:
    buf = io.StringIO()
    print_grid(grid, Console(file=buf, width=width, color_system=None, highlight=False, emoji=False))
    return buf.getvalue()


@pytest.mark.parametrize("width", [60, 80, 120])
def test_identity_and_numbers_are_whole_at_every_width(width: int) -> None:
    out = render(budgets(), width)
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= width
    for tenant in TENANTS:
        assert tenant in out.split(), (tenant, out)
    # the two columns that must stay are there, every amount in full
    assert "$12,345.67" in out and "$37,037.01" in out


def test_nothing_left_out_when_it_fits() -> None:
    out = render(budgets(), 160)
    assert "not shown at this width" not in out
    assert "$9.6660 (03-10)" in out


def test_the_least_important_go_first_rightmost_first_and_are_named_in_column_order() -> None:
    def hidden(width: int) -> list[str]:
        return [budgets().cols[i].name for i in layout(budgets(), width).hidden]

    # keep 0 first, rightmost first; then keep 1, rightmost first; KEEP never
    assert hidden(113) == ["days over"]
    assert hidden(107) == ["max day", "days over"]
    assert hidden(90) == ["max day", "days over", "forecast"]
    assert hidden(77) == ["max day", "days over", "monthly limit", "forecast"]
    assert hidden(40) == ["plan", "day", "daily limit", "max day", "days over", "monthly limit", "forecast"]
    out = render(budgets(), 80)
    expected = "not shown at this width: max day, days over, forecast (--format json for all)"
    assert expected in " ".join(out.split())


def test_at_60_only_the_kept_columns_are_left() -> None:
    lay = layout(budgets(), 60)
    shown = [budgets().cols[i].name for i in lay.cols]
    assert "tenant" in shown and "month to date" in shown
    assert sum(lay.widths) + 2 * (len(lay.widths) - 1) <= 60


def test_headers_break_at_spaces_before_a_column_goes() -> None:
    grid = Grid([Col("model", keep=KEEP), Col("input tokens", True, 1), Col("output tokens", True, 1)])
    grid.add("claude-sonnet-4-20250514", "1", "2")
    lines, hidden = grid_lines(grid, 40)
    text = [line.plain for line in lines]
    assert hidden == []
    assert text[0].split() == ["input", "output"] and text[1].split() == ["model", "tokens", "tokens"]
    assert "claude-sonnet-4-20250514" in text[3]


def test_free_text_wraps_only_in_the_last_column_at_word_boundaries() -> None:
    grid = Grid([Col("file", keep=KEEP), Col("read", True, KEEP), Col("note", keep=1, wrap=True)])
    note = "3,046 bytes of an unfinished last line wait for the next run; resumed at byte 11,140"
    grid.add("logs/app-2026-10-01.jsonl", "1,234", note)
    lines, hidden = grid_lines(grid, 60)
    text = [line.plain for line in lines]
    assert hidden == []
    assert all(len(t) <= 60 for t in text)
    body = text[2:]
    assert len(body) > 1  # wrapped
    assert body[0].startswith("logs/app-2026-10-01.jsonl  1,234  ")
    column = len("logs/app-2026-10-01.jsonl  1,234  ")
    assert all(t[:column].strip() == "" for t in body[1:])  # the other columns stay on the first line
    assert " ".join(t[column:].strip() for t in body) == note  # broken between words only


def test_text_that_is_not_last_is_never_wrapped() -> None:
    grid = Grid([Col("explanation", keep=KEEP, wrap=True), Col("amount", True, KEEP)])
    grid.add("failed and timed-out calls not billed", "-$0.09351")
    lines, _ = grid_lines(grid, 30)
    assert any("failed and timed-out calls not billed" in line.plain for line in lines)


def test_a_wide_identity_stays_whole_even_past_the_edge() -> None:
    grid = Grid([Col("file", keep=KEEP), Col("read", True, KEEP), Col("dup", True, 0)])
    grid.add("/var/log/a/very/long/path/to/the/application/logs/app.jsonl", "12", "0")
    lines, hidden = grid_lines(grid, 40)
    assert hidden == ["dup"]
    assert any("/var/log/a/very/long/path/to/the/application/logs/app.jsonl" in line.plain for line in lines)


def test_a_mark_after_a_number_gets_a_legend_only_when_shown() -> None:
    grid = Grid(
        [Col("tenant", keep=KEEP), Col("cost", True, KEEP), Col("other cost", True, 0)],
        marks={"+": "a lower bound: unpriced requests left out"},
    )
    grid.add("acme", "$1.50+", "$9.99+")
    grid.add("beta", "$0.50", "$1.00")
    assert "+ a lower bound: unpriced requests left out" in render(grid, 80)
    plain = Grid([Col("tenant", keep=KEEP), Col("cost", True, KEEP)], marks=grid.marks)
    plain.add("beta", "$0.50")
    assert "lower bound" not in render(plain, 80)


def test_rows_keep_their_styles_and_the_total_its_gap() -> None:
    grid = Grid([Col("tenant", keep=KEEP), Col("cost", True, KEEP)])
    grid.add("acme", ("$1.00", "yellow"), style="italic")
    grid.add("total", "$1.00", style="bold", gap=True)
    lines, _ = grid_lines(grid, 40)
    assert [line.plain for line in lines] == [
        "tenant   cost",
        "─────────────",
        "acme    $1.00",
        "",
        "total   $1.00",
    ]
    assert lines[2].style == "italic" and lines[4].style == "bold"
    assert any(span.style == "yellow" for span in lines[2].spans)


def test_values_from_logs_are_text_not_markup() -> None:
    grid = Grid([Col("tenant", keep=KEEP), Col("cost", True, KEEP)])
    grid.add("[red]evil[/red]\x1b[31m", "$1.00")
    out = render(grid, 80)
    assert "[red]evil[/red]\\x1b[31m" in out


def test_a_long_message_wraps_between_words_under_its_prefix() -> None:
    from llmcost.report.grid import print_hanging

    buf = io.StringIO()
    console = Console(file=buf, width=40, color_system=None, highlight=False, emoji=False)
    message = "Throttle tenant tenant-spike-eu-west-1 (429 or a degraded response) or move it up"
    print_hanging(console, message, "   action: ", "   ")
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("   action: Throttle tenant")
    assert all(len(line) <= 40 for line in lines) and all(line.startswith("   ") for line in lines)
    assert " ".join(" ".join(lines).split()) == "action: " + message
    assert any("tenant-spike-eu-west-1" in line for line in lines)  # a name stays whole


def test_every_terminal_table_goes_through_the_grid() -> None:
    """No renderer lays a table out on its own (rich's Table squeezes names to "tenan…")."""
    from pathlib import Path

    import llmcost

    root = Path(llmcost.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "rich.table" in (text := path.read_text("utf-8")) or " Table(" in text or "=Table(" in text
    ]
    assert offenders == []
