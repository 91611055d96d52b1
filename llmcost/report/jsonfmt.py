"""JSON and JSONL reports.

JSON (`--format json`), schema_version 1:

```
{
  "schema": "llmcost.report/1",      # the kind and its version: llmcost.unit/1, llmcost.view.daily/1, ...
  "schema_version": 1,
  "report": "spend",                 # or unit, top-tenants, io, retrieval, failures, cache, ...
  "title": "Spend by tenant",
  "window": {"since": "2026-05-01T00:00:00Z" | null, "until": ... | null, "tz": "UTC"},
  "cost_mode": "derived",            # derived | logged | auto
  "price_catalog": {"source": "derived", "catalogs": ["genai-prices 0.2.3 @2027-01-01"]},
  "group_by": ["tenant"],
  "parameters": {...},               # the report's own options (--top, --sort, the outcome event),
                                     # "filters" (--where) and "range" (the dates covered, resolved)
  "columns": [{"name": "requests", "kind": "count", "label": "requests"}, ...],
  "rows": [{"tenant": "acme", "requests": 2200, "cost_usd": "108.000000000", ...}, ...],
  "totals": {...},                   # the same metrics over the whole window (null for some views)
  "data_quality": {...},             # unpriced requests and tokens, rejects, naive timestamps, ...
  "warnings": ["..."],
  "notes": ["..."]
}
```

Money is a JSON string holding an exact decimal at the nano-dollar scale ("0.049354839"), never
a binary float: a float cannot hold 0.3 and prints 0.30000000000000004 after a sum. Shares are
strings of a fraction with 6 decimals, averages strings with 2. Counts and tokens are integers.
null means "not logged" for a dimension, "unpriced" for a cost, "not applicable" for a ratio.
A row folded by --top carries "other": true. Keys keep the order above, so the same warehouse
gives byte-identical output.

JSONL (`--format jsonl`) is one row per line, `{"type": "row" | "other", ...}`, then one
`{"type": "summary", ...}` line with everything but the rows.
"""

from __future__ import annotations

from typing import Any

import orjson

from llmcost.queries.model import SCHEMA_VERSION, Column, Kind, Report
from llmcost.queries.quality import warnings as quality_warnings
from llmcost.report.cells import machine_of


def _row(columns: tuple[Column, ...], row: dict[str, Any]) -> dict[str, Any]:
    return _rows(columns, [row])[0]


def _rows(columns: tuple[Column, ...], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row's cells as JSON values, the converter of each column chosen once."""
    cells = [(c.name, machine_of(c)) for c in columns]
    out = []
    for row in rows:
        get = row.get
        cooked = {name: convert(get(name)) for name, convert in cells}
        if get("other"):
            cooked["other"] = True
        out.append(cooked)
    return out


def _metric_columns(report: Report) -> tuple[Column, ...]:
    return tuple(c for c in report.columns if c.kind is not Kind.DIMENSION)


# -- the schema tag every JSON output of llmcost carries (docs/json.md) ------------------------------

SCHEMA_TAG_VERSION = 1


def schema_tag(kind: str, version: int = SCHEMA_TAG_VERSION) -> str:
    """`llmcost.<kind>/<version>`, e.g. `llmcost.budgets/1`: what a JSON document is, for machines."""
    return f"llmcost.{kind}/{version}"


def report_kind(report: Report) -> str:
    """`report` for spend, `unit` for unit economics, `view.<name>` for a named view."""
    return {"spend": "report", "unit": "unit"}.get(report.name, f"view.{report.name}")


# ---------------------------------------------------------------------------------------------------


def warnings(report: Report) -> list[str]:
    return [*report.warnings, *quality_warnings(report.quality)]


def _head(report: Report) -> dict[str, Any]:
    return {
        "schema": schema_tag(report_kind(report)),
        "schema_version": SCHEMA_VERSION,
        "report": report.name,
        "title": report.title,
        "window": report.window.as_dict(),
        "cost_mode": report.cost_mode,
        "price_catalog": report.price_catalog,
        "group_by": list(report.group_by),
        "parameters": {**report.parameters, **report.scope_parameters()},
    }


def _tail(report: Report) -> dict[str, Any]:
    totals = None if report.totals is None else _row(_metric_columns(report), report.totals)
    return {
        "totals": totals,
        "data_quality": report.quality.as_dict(),
        "warnings": warnings(report),
        "notes": list(report.notes),
    }


def document(report: Report) -> dict[str, Any]:
    return {
        **_head(report),
        "columns": [{"name": c.name, "kind": str(c.kind), "label": c.title} for c in report.columns],
        "rows": _rows(report.columns, report.rows),
        **_tail(report),
    }


def render_json(report: Report) -> str:
    return orjson.dumps(document(report), option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def render_jsonl(report: Report) -> str:
    lines = [
        orjson.dumps({"type": "other" if r.get("other") else "row", **cooked}).decode("utf-8")
        for r, cooked in zip(report.rows, _rows(report.columns, report.rows), strict=True)
    ]
    lines.append(orjson.dumps({"type": "summary", **_head(report), **_tail(report)}).decode("utf-8"))
    return "\n".join(lines) + "\n"
