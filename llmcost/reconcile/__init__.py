"""Monthly invoice reconciliation: import provider billing exports, compare them with the
estimate re-derived from the logs, and explain the gap from the data.

    from llmcost.reconcile import import_files, reconcile
    import_files(wh.con, [Path("openai-costs.json")])
    result = reconcile(wh.con, catalog, month="2026-09")
    result.gap, result.explanations, result.tripped
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from llmcost.errors import UsageError
from llmcost.reconcile.model import Explanation, Line, ProviderTotal, Reconciliation, Suggestion
from llmcost.reconcile.store import ImportResult, import_files, parse_file
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

    from llmcost.pricing.catalog import Catalog

__all__ = [
    "Explanation",
    "ImportResult",
    "Line",
    "Reconciliation",
    "import_files",
    "parse_file",
    "parse_month",
    "parse_threshold",
    "reconcile",
]

DEFAULT_THRESHOLD = Decimal("0.02")
_MIN_LINE_GAP = Decimal("0.01")  # a line under a cent off is never named as over the threshold

SQL = SqlFiles("llmcost.reconcile")


def parse_threshold(text: str) -> Decimal:
    """'2%' or '2' (percent) or '0.02' (a fraction below 1) as a fraction of the billed amount."""
    raw = text.strip()
    try:
        value = Decimal(raw.removesuffix("%").strip())
    except InvalidOperation:
        raise UsageError(f"--threshold: expected a percentage such as 2%, got {raw[:20]!r}") from None
    if not value.is_finite() or value < 0:
        raise UsageError(f"--threshold: expected a percentage such as 2%, got {raw[:20]!r}")
    return value / 100 if raw.endswith("%") or value >= 1 else value


def parse_month(text: str) -> tuple[date, date]:
    m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1 <= int(m.group(1)) <= 9998:
        raise UsageError(f"--month: expected YYYY-MM, got {text[:20]!r}")
    first = date(int(m.group(1)), int(m.group(2)), 1)
    return first, _next_month(first)


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def latest_month(con: duckdb.DuckDBPyConnection, file_ids: tuple[int, ...] | None) -> str:
    row = con.execute(
        SQL.text("latest_month"), {"all_files": file_ids is None, "file_ids": list(file_ids or ())}
    ).fetchone()
    if row is None or row[0] is None:
        raise UsageError("no invoice lines: import an export with `llmcost invoices import FILE` first")
    day: date = row[0]
    return f"{day.year:04d}-{day.month:02d}"


def reconcile(
    con: duckdb.DuckDBPyConnection,
    catalog: Catalog,
    *,
    month: str | None = None,
    provider: str | None = None,
    threshold: Decimal = DEFAULT_THRESHOLD,
    file_ids: tuple[int, ...] | None = None,
    tz: str = "UTC",
) -> Reconciliation:
    from llmcost.reconcile.compare import Scope, compare, overlaps
    from llmcost.reconcile.explain import explain
    from llmcost.reconcile.keys import KeyMaker
    from llmcost.reconcile.suggest import percent_off
    from llmcost.reconcile.zone import zone_boundary

    month = month or latest_month(con, file_ids)
    first, nxt = parse_month(month)
    keys = KeyMaker(catalog)
    scope = Scope(
        since=datetime(first.year, first.month, 1, tzinfo=UTC),
        until=datetime(nxt.year, nxt.month, 1, tzinfo=UTC),
        first_day=first,
        next_month=nxt,
        file_ids=file_ids,
        provider=keys.provider(provider) if provider else None,
    )
    cmp = compare(con, keys, scope)
    if not cmp.lines:
        raise UsageError(
            f"no invoice lines for {month}"
            + (f" and provider {provider}" if provider else "")
            + ": import the export with `llmcost invoices import FILE`, or pick --month"
        )
    explanations, ratios = explain(cmp)
    providers = []
    for p in sorted(cmp.typed):
        billed = sum((ln.billed for ln in cmp.lines if ln.provider == p), Decimal(0))
        est = sum((ln.estimated for ln in cmp.lines if ln.provider == p), Decimal(0))
        providers.append(ProviderTotal(p, billed, est, cmp.typed[p], _over(billed - est, billed, threshold)))
    gap = sum((p.gap for p in providers), Decimal(0))
    zone = zone_boundary(con, keys, set(cmp.typed), first, nxt, tz, gap)
    if zone is not None:
        explanations.append(zone)
    over = [
        ln
        for ln in cmp.lines
        if abs(ln.gap) >= _MIN_LINE_GAP and abs(ln.gap) > threshold * max(ln.billed, ln.estimated)
    ]
    over.sort(key=lambda ln: (-abs(ln.gap), ln.label))
    suggestions = tuple(Suggestion(r.provider, r.model, percent_off(r.value), first, nxt) for r in ratios)
    return Reconciliation(
        month=month,
        since=first,
        until=nxt,
        providers=tuple(providers),
        lines=tuple(cmp.lines),
        explanations=tuple(explanations),
        threshold=threshold,
        over_threshold=tuple(over),
        aliases=tuple(cmp.aliases),
        suggestions=suggestions,
        catalog=catalog.info.describe(),
        tz=tz,
        ratios=tuple(ratios),
        notes=tuple(overlaps(con, scope)),
    )


def _over(gap: Decimal, billed: Decimal, threshold: Decimal) -> bool:
    if billed == 0:
        return abs(gap) >= _MIN_LINE_GAP
    return abs(gap) > threshold * abs(billed)
