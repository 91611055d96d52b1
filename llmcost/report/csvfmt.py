"""CSV reports: one header line of column names, one line per row, and a last `total` line.

The first column, `row`, says what a line is: `group`, `other` (rows folded by --top) or `total`,
so a tenant literally named "(other)" is never mistaken for the fold. Money is the exact decimal
(as in JSON); an empty cost cell means unpriced (see the `unpriced_requests` column), never $0.
Text cells that a spreadsheet would run as a formula (starting with = + - @ tab or CR) get a
leading single quote, and control, bidi and zero-width characters are written as visible escapes
(`\x1b`, `\u202e`): a CSV is often read in a terminal, where an ANSI escape would act. The data-quality facts go to stderr (the CLI prints them), so the file
stays plain CSV.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from llmcost.queries.model import Column, Kind, Report
from llmcost.report.cells import machine
from llmcost.report.text import neutral_cell, visible


def _cell(column: Column, value: Any) -> str:
    v = machine(column, value)
    if v is None:
        return ""
    if column.kind in (Kind.DIMENSION, Kind.TEXT):
        return visible(neutral_cell(str(v)))
    return str(v)


def render_csv(report: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["row", *(c.name for c in report.columns)])
    for r in report.rows:
        w.writerow(
            ["other" if r.get("other") else "group", *(_cell(c, r.get(c.name)) for c in report.columns)]
        )
    if report.totals is not None:
        t = report.totals
        w.writerow(
            ["total", *("" if c.kind is Kind.DIMENSION else _cell(c, t.get(c.name)) for c in report.columns)]
        )
    return buf.getvalue()
