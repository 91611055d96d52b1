"""Hostile names (RELIABILITY.md items 15 and 17) in the outputs the report tests do not cover:
alerts, budgets, reconcile, status, pricing and ingest --explain. Terminal: rich markup is text,
escape and bidi characters are shown as escapes, never sent. Markdown: a name cannot end a cell,
start a row, or become HTML or a link. CSV: a name never starts a formula."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.security.conftest import DAY, MONTH, Hostile, run_cli

RAW_CONTROL = ("\x1b[31mansi", "\u202e")  # with --color always, llmcost's own styling is there


def _out(*argv: str, ok: tuple[int, ...] = (0, 1)) -> str:
    code, out, err = run_cli(*argv)
    assert code in ok, err[-1000:]
    return out


TERMINAL = [
    ("alerts", "--at", DAY),
    ("budgets", "--at", DAY),
    ("reconcile", "--month", MONTH),
    ("status",),
    ("status", "--rejects"),
    ("pricing", "check"),
    ("report", "--by", "tenant"),
    ("unit", "--event", "draft_accepted", "--by", "tenant"),
]


@pytest.mark.parametrize("argv", TERMINAL, ids=" ".join)
def test_terminal_shows_markup_and_escapes_as_text(argv: tuple[str, ...], hostile: Hostile) -> None:
    out = (
        _out(*argv, "--color", "always", *hostile.args())
        if argv[0] != "pricing"
        else _out(*argv, *hostile.args())
    )
    for raw in RAW_CONTROL:
        assert raw not in out, f"{raw!r} sent to the terminal"
    if argv[0] in ("alerts", "budgets", "report", "unit"):
        assert "[red]evil[/red]" in out  # rich markup printed as text
        assert "\\x1b[31mansi" in out and "rtl\\u202eevil" in out


_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _check_markdown(md: str, what: str) -> None:
    assert "<img" not in md.replace("\\<img", ""), f"{what}: raw HTML"
    assert "\u202e" not in md and "\x1b" not in md, what
    table: list[int] = []
    for line in md.splitlines():
        if line.startswith("|"):
            table.append(len(_UNESCAPED_PIPE.findall(line)))
        elif table:
            assert len(set(table)) == 1, f"{what}: a row with another number of cells: {table}"
            table = []
        else:
            assert not line.startswith(("line", "break")), f"{what}: a name's newline began a line"
    assert len(set(table)) <= 1, what


@pytest.mark.parametrize(
    "argv",
    [("alerts", "--at", DAY, "-f", "md"), ("budgets", "--at", DAY, "-f", "md"),
     ("reconcile", "--month", MONTH, "--format", "md"), ("report", "-f", "md"),
     ("unit", "--event", "draft_accepted", "--by", "tenant", "-f", "md")],
    ids=" ".join,
)  # fmt: skip
def test_markdown_cells_stay_cells(argv: tuple[str, ...], hostile: Hostile) -> None:
    md = _out(*argv, *hostile.args())
    _check_markdown(md, " ".join(argv))
    if argv[0] in ("alerts", "budgets"):
        assert "pipe\\|break" in md  # the name is there, its pipe escaped


def test_markdown_regression_alerts_escaped_only_pipes_before() -> None:
    """Regression: alerts and budgets Markdown escaped `|` and newlines only; an <img onerror> or a
    [link](javascript:) tenant went into the table as HTML and a link."""
    from llmcost.report.alerts import _md_cell

    assert _md_cell("<img src=x onerror=alert(1)>") == "\\<img src=x onerror=alert(1)\\>"
    assert _md_cell("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert _md_cell("a|b\r\nc\u2028d") == "a\\|b\\\\x0d\\\\x0ac\\\\u2028d"
    assert _md_cell("t_b") == "t_b"


@pytest.mark.parametrize(
    "argv",
    [("reconcile", "--month", MONTH, "--format", "csv"), ("report", "--by", "tenant,model", "-f", "csv"),
     ("unit", "--event", "draft_accepted", "--by", "tenant", "-f", "csv")],
    ids=" ".join,
)  # fmt: skip
def test_csv_never_starts_a_formula(argv: tuple[str, ...], hostile: Hostile) -> None:
    rows = list(csv.reader(io.StringIO(_out(*argv, *hostile.args()))))
    cells = [c for r in rows for c in r]
    hostile_cells = [c for c in cells if "HYPERLINK" in c]
    assert hostile_cells, "the hostile name is in the output"
    assert all(c.startswith("'=") for c in hostile_cells), hostile_cells
    assert not any("\x1b" in c or "\u202e" in c for c in cells)
