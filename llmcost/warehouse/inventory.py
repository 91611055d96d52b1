"""What the warehouse holds, as plain data (for `llmcost status` and report footers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb


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


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def inventory(con: duckdb.DuckDBPyConnection, *, recent: int = 5) -> Inventory:
    req = con.execute(
        "SELECT count(*), min(ts), max(ts), count(*) FILTER (cost_usd IS NULL AND NOT cache_hit), "
        "count(*) FILTER (naive_ts) FROM requests"
    ).fetchone()
    out = con.execute("SELECT count(*), count(*) FILTER (naive_ts) FROM outcomes").fetchone()
    assert req is not None and out is not None
    inv = Inventory(
        requests=int(req[0]),
        outcomes=int(out[0]),
        first_ts=req[1],
        last_ts=req[2],
        unpriced_requests=int(req[3]),
        naive_ts=int(req[4]) + int(out[1]),
    )
    inv.sources = _rows(
        con,
        "SELECT format, source_id, path, committed_offset, committed_lines, pending_bytes, lines_read, loaded, "
        "duplicate, ignored, rejected, last_seen FROM sources ORDER BY last_seen DESC, source_id",
    )
    inv.pending_bytes = sum(int(s["pending_bytes"]) for s in inv.sources)
    inv.rejects_by_reason = [
        (r[0], int(r[1]))
        for r in con.execute(
            "SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY count(*) DESC, reason"
        ).fetchall()
    ]
    inv.rejected_total = sum(n for _, n in inv.rejects_by_reason)
    row = con.execute("SELECT count(*) FROM conflicts").fetchone()
    inv.conflicts = int(row[0]) if row else 0
    inv.ignored_events = [
        (r[0], int(r[1]))
        for r in con.execute(
            "SELECT event, sum(lines)::BIGINT FROM ignored_events GROUP BY event ORDER BY 2 DESC, 1 LIMIT 10"
        ).fetchall()
    ]
    inv.last_ingests = _rows(
        con,
        "SELECT ingest_id, started_at, finished_at, "
        "CASE WHEN status = 'running' AND finished_at IS NULL THEN 'interrupted or running' ELSE status END "
        "AS status, files, lines_read, loaded_requests, loaded_outcomes, duplicate, ignored, rejected, "
        "conflicting FROM ingests ORDER BY ingest_id DESC LIMIT ?",
        [recent],
    )
    row = con.execute("SELECT count(*) FROM segments").fetchone()
    inv.segments = int(row[0]) if row else 0
    return inv


def reject_rows(
    con: duckdb.DuckDBPyConnection, *, limit: int = 50, reason: str | None = None
) -> list[dict[str, Any]]:
    where, params = ("WHERE reason = ?", [reason]) if reason else ("", [])
    return _rows(
        con,
        f"SELECT path, line_no, byte_offset, reason, detail, raw FROM rejects {where} "  # noqa: S608 - where is ours; values bound
        "ORDER BY ingest_id DESC, path, line_no LIMIT ?",
        [*params, limit],
    )
