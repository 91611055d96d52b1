"""Renderers: a `llmcost.queries.Report` as a terminal table (rich), JSON, JSONL, CSV or Markdown.

The only package that renders. Beside the query reports: alerts and budgets as text, Markdown and
chat text (`report.alerts`), the alerts webhook body and its delivery (`report.webhook`), the
Prometheus textfile (`report.prometheus`), a reconciliation as JSON, CSV and Markdown
(`report.reconcile`) and the HTML dashboard (`report.dashboard` gathers, `report.dashview` shapes,
`report.html` draws). Every number people read goes through `llmcost.numbers`.

Values that come from logs (tenant, feature, model names, ...) are data, never markup: the
terminal gets rich `Text` with control, bidi and zero-width characters made visible; Markdown
escapes its punctuation; CSV neutralises cells a spreadsheet would run as a formula.
JSON is documented in `llmcost.report.jsonfmt`.

Only `render_terminal` imports rich, and only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmcost.lazy import lazy_names
from llmcost.report.output import write_atomic, write_text_atomic

if TYPE_CHECKING:
    from rich.console import Console

    from llmcost.queries.model import Report
    from llmcost.report.csvfmt import render_csv
    from llmcost.report.jsonfmt import render_json, render_jsonl
    from llmcost.report.markdown import render_markdown

# Each renderer is imported when it is first used (a JSON report loads neither the CSV nor the
# Markdown renderer: issue 16); `from llmcost.report import render_csv` works as before.
_RENDERERS = {
    "render_csv": "llmcost.report.csvfmt",
    "render_json": "llmcost.report.jsonfmt",
    "render_jsonl": "llmcost.report.jsonfmt",
    "render_markdown": "llmcost.report.markdown",
}


__getattr__ = lazy_names(__name__, _RENDERERS)


FORMATS = ("table", "json", "jsonl", "csv", "md")


def render_terminal(report: Report, console: Console) -> None:
    from llmcost.report.terminal import print_report

    print_report(report, console)


def render_text(report: Report, fmt: str) -> str:
    """Any format but `table` as the exact text to write."""
    if fmt == "json":
        from llmcost.report.jsonfmt import render_json

        return render_json(report)
    if fmt == "jsonl":
        from llmcost.report.jsonfmt import render_jsonl

        return render_jsonl(report)
    if fmt == "csv":
        from llmcost.report.csvfmt import render_csv

        return render_csv(report)
    if fmt == "md":
        from llmcost.report.markdown import render_markdown

        return render_markdown(report)
    raise ValueError(f"not a text format: {fmt!r}")


__all__ = [
    "FORMATS",
    "render_csv",
    "render_json",
    "render_jsonl",
    "render_markdown",
    "render_terminal",
    "render_text",
    "write_atomic",
    "write_text_atomic",
]
