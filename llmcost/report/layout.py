"""Which columns the human-readable formats show."""

from __future__ import annotations

from llmcost.queries.model import Column, Report


def shown_columns(report: Report) -> tuple[Column, ...]:
    """Every column but the details (JSON and CSV carry those), and the token classes that are
    zero in every row (cache writes and reasoning are often absent)."""
    rows = [*report.rows, *([report.totals] if report.totals else [])]
    return tuple(
        c for c in report.columns if not c.detail and (not c.when_nonzero or any(r.get(c.name) for r in rows))
    )
