"""A reconciliation (`llmcost.reconcile.Reconciliation`) as JSON, CSV or Markdown text, and as
terminal tables (llmcost.report.grid).

CSV has one row per compared line plus a `total` row; text cells are neutralised against
spreadsheet formulas and invisible characters. Markdown escapes every value."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import TYPE_CHECKING

import orjson

from llmcost.numbers import exact_usd as money
from llmcost.numbers import percent, usd
from llmcost.reconcile.model import Reconciliation
from llmcost.report.text import markdown_cell, neutral_cell, shown, visible

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "json", "csv", "md")


def render_json(rec: Reconciliation) -> str:
    return orjson.dumps(rec.as_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"


def _text(value: str | None) -> str:
    return visible(neutral_cell(value or ""))


def render_csv(rec: Reconciliation) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["row", "provider", "model", "day", "token_type", "billed_usd", "estimated_usd", "gap_usd",
         "explained_by", "billed_as"]
    )  # fmt: skip
    over = {id(ln) for ln in rec.over_threshold}
    for ln in rec.lines:
        w.writerow(
            [
                "over" if id(ln) in over else "line",
                _text(ln.provider),
                _text(ln.model),
                ln.day.isoformat(),
                ln.token_type or "",
                money(ln.billed),
                money(ln.estimated),
                money(ln.gap),
                " ".join(sorted(ln.explained)),
                _text(" ".join(sorted(ln.billed_as))),
            ]
        )
    w.writerow(["total", "", "", "", "", money(rec.billed), money(rec.estimated), money(rec.gap), "", ""])
    return buf.getvalue()


def pct(share: Decimal | None) -> str:
    return "n/a" if share is None else percent(share)


def summary_lines(rec: Reconciliation) -> list[str]:
    """The verdict and explanations as plain sentences (shared by Markdown and the terminal)."""
    verdict = "OVER THRESHOLD" if rec.tripped else "within threshold"
    out = [
        f"{rec.month} (UTC days): billed {usd(rec.billed)}, estimated {usd(rec.estimated)}, "
        f"gap {usd(rec.gap)} — {verdict} ({(rec.threshold * 100).normalize():f}%)"
    ]
    for a in rec.aliases:
        out.append(f"matched {a[0]}/{a[1]} with billed {', '.join(a[2])}")
    out += [f"note: {n}" for n in rec.notes]
    return out


def render_markdown(rec: Reconciliation) -> str:
    out = [f"## Reconciliation {markdown_cell(rec.month)}", ""]
    out += [f"- {markdown_cell(s)}" for s in summary_lines(rec)]
    out += ["", "| provider | billed | estimated | gap | by token type |", "|:---|---:|---:|---:|:---|"]
    for p in rec.providers:
        out.append(
            f"| {markdown_cell(p.provider)} | {usd(p.billed)} | {usd(p.estimated)} | {usd(p.gap)} | "
            f"{'yes' if p.token_types else 'no'} |"
        )
    out += [
        "",
        "**Explanations**",
        "",
        "| explanation | amount | share of gap | detail |",
        "|:---|---:|---:|:---|",
    ]
    for e in rec.explanations:
        share = pct(e.share) if e.in_gap else "(not in the UTC gap)"
        out.append(f"| {markdown_cell(e.title)} | {usd(e.amount)} | {share} | {markdown_cell(e.detail)} |")
    if rec.over_threshold:
        out += ["", "**Lines over the threshold**", ""]
        out += [f"- {markdown_cell(ln.label)}: gap {usd(ln.gap)}" for ln in rec.over_threshold]
    out += ["", f"_{markdown_cell(rec.catalog)}_"]
    return "\n".join(out) + "\n"


def print_table(con: Console, rec: Reconciliation) -> None:
    """The reconciliation for the terminal: summary, providers, explanations, lines over the threshold."""
    from rich.text import Text

    from llmcost.report.grid import KEEP, Col, Grid, print_grid

    for line in summary_lines(rec):
        con.print(Text(shown(line)))
    t = Grid(
        [
            Col("provider", keep=KEEP),
            Col("billed", True, KEEP),
            Col("estimated", True, KEEP),
            Col("gap", True, KEEP),
            Col("token types", True, 0),
        ],
        title="by provider",
    )
    for p in rec.providers:
        t.add(p.provider, usd(p.billed), usd(p.estimated), usd(p.gap), "yes" if p.token_types else "no")
    print_grid(t, con)
    e_table = Grid(
        [
            Col("explanation", keep=KEEP),
            Col("amount", True, KEEP),
            Col("share", True, 1),
            Col("detail", keep=KEEP, wrap=True),
        ],
        title="explanations",
    )
    for e in rec.explanations:
        e_table.add(e.title, usd(e.amount), pct(e.share) if e.in_gap else "info", e.detail)
    print_grid(e_table, con)
    if rec.over_threshold:
        lt = Grid(
            [
                Col("line", keep=KEEP),
                Col("billed", True, 1),
                Col("estimated", True, 1),
                Col("gap", True, KEEP),
                Col("explained by", keep=0, wrap=True),
            ],
            title="lines over the threshold",
        )
        for ln in rec.over_threshold[:25]:
            lt.add(ln.label, usd(ln.billed), usd(ln.estimated), usd(ln.gap), ", ".join(sorted(ln.explained)))
        print_grid(lt, con)
    con.print(Text(shown(rec.catalog)), style="dim")
