"""Re-derive stored costs after a price change, leaving closed months alone.

`requests` is a view over Parquet segments (plus the `requests_columns` base table), or a base
table in older warehouses. The change is tallied first, by model and month, without writing:
for the segments in one columnar pass over their pricing columns, for the base table in a TEMP
copy. That is all `--dry-run` does. A real run then writes only the segments that change anew
and swaps them in, together with the changed base-table rows, in one transaction: a crash
leaves either the old costs or the new ones, never a mix, and the superseded files are deleted
after the commit (or by the next writer's orphan sweep).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.errors import UsageError
from llmcost.pricing.derive import (
    CACHE_HIT_REF,
    SQL,
    apply_prices,
    execute,
    keys_in,
    load_cells,
    record_prices,
    statement,
    table_exists,
)
from llmcost.warehouse import Warehouse, segments
from llmcost.window import Window, midnight

if TYPE_CHECKING:
    import duckdb

    from llmcost.pricing.catalog import Catalog


@dataclass
class MonthChange:
    model: str
    month: str  # YYYY-MM, UTC
    requests: int = 0
    changed: int = 0
    old_cost: Decimal = Decimal(0)
    new_cost: Decimal = Decimal(0)
    old_unpriced: int = 0
    new_unpriced: int = 0

    @property
    def delta(self) -> Decimal:
        return self.new_cost - self.old_cost

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "month": self.month,
            "requests": self.requests,
            "changed": self.changed,
            "old_cost_usd": self.old_cost,
            "new_cost_usd": self.new_cost,
            "delta_usd": self.delta,
            "old_unpriced": self.old_unpriced,
            "new_unpriced": self.new_unpriced,
        }


@dataclass
class RepriceResult:
    window: Window
    dry_run: bool
    closed_before: date | None
    restate: bool
    skipped_closed: int = 0  # requests in the asked window left alone because their month is closed
    segments_rewritten: int = 0
    changes: list[MonthChange] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(c.requests for c in self.changes)

    @property
    def changed(self) -> int:
        return sum(c.changed for c in self.changes)

    @property
    def old_cost(self) -> Decimal:
        return sum((c.old_cost for c in self.changes), Decimal(0))

    @property
    def new_cost(self) -> Decimal:
        return sum((c.new_cost for c in self.changes), Decimal(0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "window": self.window.as_utc_dict(),
            "dry_run": self.dry_run,
            "closed_before": self.closed_before.isoformat() if self.closed_before else None,
            "restate": self.restate,
            "skipped_closed": self.skipped_closed,
            "segments_rewritten": self.segments_rewritten,
            "requests": self.requests,
            "changed": self.changed,
            "old_cost_usd": self.old_cost,
            "new_cost_usd": self.new_cost,
            "delta_usd": self.new_cost - self.old_cost,
            "changes": [c.as_dict() for c in self.changes],
        }


def open_window(asked: Window, closed_before: date | None, restate: bool) -> tuple[Window, Window | None]:
    """(the window to reprice, the closed part of the asked window left alone or None)."""
    if closed_before is None or restate:
        return asked, None
    closed = midnight(closed_before)
    if asked.since is not None and asked.since >= closed:
        return asked, None
    until = closed if asked.until is None or asked.until > closed else asked.until
    return Window(closed, asked.until), Window(asked.since, until)


def reprice(
    wh: Warehouse,
    catalog: Catalog,
    *,
    window: Window | None = None,
    dry_run: bool = False,
    restate: bool = False,
    closed_before: date | None = None,
) -> RepriceResult:
    """Re-derive `cost_usd`/`price_ref` for the requests in `window` at today's catalog."""
    if not dry_run and not wh.writable:
        raise UsageError("reprice needs the warehouse open for writing")
    asked = window or Window()
    todo, closed = open_window(asked, closed_before, restate)
    result = RepriceResult(todo, dry_run, closed_before, restate)
    con = wh.con
    if closed is not None and not closed.empty:
        closed_sql = statement("closed_count", "requests", closed.predicate("r"))
        row = execute(con, closed_sql, closed.params()).fetchone()
        result.skipped_closed = int(row[0]) if row else 0
    if todo.empty:
        return result
    where, params = todo.predicate("r"), todo.params()
    tally: dict[tuple[str, str], MonthChange] = {}
    base = _base_table(con)
    try:
        execute(con, statement("reprice_snapshot", base, where), params)
        apply_prices(con, "_llmcost_reprice", catalog, record=not dry_run)
        base_changed = _tally(con, "_llmcost_reprice", "TRUE", {}, tally)
        swaps = _reprice_segments(wh, catalog, todo, dry_run, tally)
        result.changes = sorted(tally.values(), key=lambda c: (c.month, c.model))
        result.segments_rewritten = len(swaps)
        if not dry_run and (base_changed or swaps):
            _commit(wh, base, base_changed, swaps)
    finally:
        con.execute(SQL.render("drop_temp", table="_llmcost_reprice"))
    return result


def _base_table(con: duckdb.DuckDBPyConnection) -> str:
    """`requests` itself when it is a table; its typed base table when it is a view."""
    row = con.execute(SQL.text("requests_kind")).fetchone()
    return "requests" if row is not None and row[0] == "BASE TABLE" else "requests_columns"


def _tally(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where: str,
    params: dict[str, Any],
    tally: dict[tuple[str, str], MonthChange],
) -> int:
    rows = execute(con, statement("reprice_diff", table, where), params).fetchall()
    return sum(_add_tally(tally, *row) for row in rows)


def _add_tally(
    tally: dict[tuple[str, str], MonthChange],
    model: str,
    month: str,
    n: int,
    changed: int,
    old: Decimal | None,
    new: Decimal | None,
    old_unpriced: int,
    new_unpriced: int,
) -> int:
    m = tally.setdefault((model, month), MonthChange(model, month))
    m.requests += int(n)
    m.changed += int(changed)
    m.old_cost += Decimal(old or 0)
    m.new_cost += Decimal(new or 0)
    m.old_unpriced += int(old_unpriced)
    m.new_unpriced += int(new_unpriced)
    return int(changed)


@dataclass(frozen=True)
class _Swap:
    segment_id: int
    old_file: str
    new_file: str


def _reprice_segments(
    wh: Warehouse, catalog: Catalog, todo: Window, dry_run: bool, tally: dict[tuple[str, str], MonthChange]
) -> list[_Swap]:
    """Tally the change over every segment the window meets in one columnar pass (only the
    pricing columns are read), then rewrite just the files that change."""
    con = wh.con
    if not table_exists(con, "segments", temporary=False):
        return []
    seg_dir = segments.segment_dir(wh.path)
    found = execute(con, SQL.text("segments_overlap"), {"since": todo.since, "until": todo.until}).fetchall()
    if not found:
        return []
    by_path = {str(seg_dir / file): (int(segment_id), str(file)) for segment_id, file in found}
    paths = list(by_path)
    where = todo.predicate("r")
    params = {**todo.params(), "files": paths, "cache_hit_ref": CACHE_HIT_REF}
    source = SQL.fragment("segment_files")
    keys = keys_in(con, statement("keys", "requests", where, source=source), params)
    cells = load_cells(con, catalog, keys)
    if cells and not dry_run:
        record_prices(con, cells)
    changed_files: set[str] = set()
    rows = execute(con, statement("segments_diff", "requests", where), params)
    for filename, *counts in rows.fetchall():
        if _add_tally(tally, *counts):
            changed_files.add(filename)
    if dry_run:
        return []
    swaps: list[_Swap] = []
    try:
        for path in sorted(changed_files, key=lambda p: by_path[p][0]):
            segment_id, old_file = by_path[path]
            execute(con, statement("segment_rewrite", "requests", where), {**params, "file": path})
            new = segments.write_segment(con, seg_dir, "requests", SQL.fragment("segment_rows"))
            swaps.append(_Swap(segment_id, old_file, new.file))
    except BaseException:
        segments.retire(seg_dir, [s.new_file for s in swaps])
        raise
    finally:
        con.execute(SQL.render("drop_temp", table="_llmcost_segment"))
    return swaps


def _commit(wh: Warehouse, base: str, base_changed: int, swaps: list[_Swap]) -> None:
    con = wh.con
    seg_dir = segments.segment_dir(wh.path)
    con.execute("BEGIN")
    try:
        if base_changed:
            con.execute(statement("reprice_write", base, None))
        for s in swaps:
            execute(
                con,
                SQL.text("segment_swap"),
                {"new_file": s.new_file, "segment_id": s.segment_id, "old_file": s.old_file},
            )
        if swaps:
            segments.rebuild_views(con, seg_dir)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        segments.retire(seg_dir, [s.new_file for s in swaps])
        raise
    segments.retire_later(seg_dir, [s.old_file for s in swaps])
