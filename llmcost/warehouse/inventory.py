"""What the warehouse holds, as plain data (for `llmcost status` and report footers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.warehouse")


@dataclass
class Inventory:
    requests: int
    outcomes: int
    first_ts: datetime | None
    last_ts: datetime | None
    unpriced_requests: int
    naive_ts: int
    sources: list[dict[str, Any]] = field(default_factory=list)
    rejects_by_reason: list[tuple[str, int]] = field(default_factory=list)
    rejected_total: int = 0
    conflicts: int = 0
    ignored_events: list[tuple[str, int]] = field(default_factory=list)
    last_ingests: list[dict[str, Any]] = field(default_factory=list)
    segments: int = 0
    pending_bytes: int = 0


def _rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    cur = con.execute(sql, sqlrun.bind(sql, params or {}))
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def inventory(con: duckdb.DuckDBPyConnection, *, recent: int = 5) -> Inventory:
    req = con.execute(SQL.text("inventory_requests")).fetchone()
    out = con.execute(SQL.text("inventory_outcomes")).fetchone()
    assert req is not None and out is not None
    inv = Inventory(
        requests=int(req[0]),
        outcomes=int(out[0]),
        first_ts=req[1],
        last_ts=req[2],
        unpriced_requests=int(req[3]),
        naive_ts=int(req[4]) + int(out[1]),
    )
    inv.sources = _rows(con, SQL.text("inventory_sources"))
    inv.pending_bytes = sum(int(s["pending_bytes"]) for s in inv.sources)
    inv.rejects_by_reason = [(r[0], int(r[1])) for r in SQL.run(con, "inventory_rejects")]
    inv.rejected_total = sum(n for _, n in inv.rejects_by_reason)
    row = con.execute(SQL.text("inventory_conflicts")).fetchone()
    inv.conflicts = int(row[0]) if row else 0
    inv.ignored_events = [(r[0], int(r[1])) for r in SQL.run(con, "inventory_ignored")]
    inv.last_ingests = _rows(con, SQL.text("inventory_ingests"), {"recent": recent})
    row = con.execute(SQL.text("inventory_segments")).fetchone()
    inv.segments = int(row[0]) if row else 0
    return inv


def reject_rows(
    con: duckdb.DuckDBPyConnection, *, limit: int = 50, reason: str | None = None
) -> list[dict[str, Any]]:
    chosen = SQL.fragment("reject_reason") if reason else "TRUE"
    return _rows(con, SQL.render("reject_rows", reason=chosen), {"reason": reason, "limit": limit})
