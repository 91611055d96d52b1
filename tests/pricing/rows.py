"""Request rows for the pricing tests, and where to put them: a staging table like ingest's, or
the warehouse itself (Parquet segments, or a base table in a table-backed warehouse)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from llmcost.pricing import Catalog
from llmcost.warehouse import Warehouse

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pricing"

_ids = itertools.count(1)

# Every `requests` column a row needs; columns the warehouse does not have are dropped.
DEFAULTS: dict[str, Any] = {
    "request_id": None,
    "ts": datetime(2026, 5, 4, 12, 0, tzinfo=UTC),
    "trace_id": None,
    "tenant_id": "tenant_acme",
    "user_id": None,
    "feature": "copilot",
    "provider": None,
    "model": "gpt-4.1-mini",
    "operation": "chat",
    "input_tokens": 0,
    "cached_input_tokens": 0,
    "cache_write_tokens": 0,
    "cache_write_1h_tokens": 0,
    "output_tokens": 0,
    "reasoning_tokens": 0,
    "latency_ms": 800,
    "outcome": "success",
    "cache_hit": False,
    "logged_cost_usd": None,
    "cost_usd": None,
    "price_ref": None,
    "prompt_version": None,
    "service_tier": None,
    "naive_ts": False,
    "attrs": None,
    "content_hash": 0,
    "source_id": 1,
    "source_offset": 0,
    "source_line": 0,
    "ingest_id": 1,
}


def request(**values: Any) -> dict[str, Any]:
    unknown = values.keys() - DEFAULTS.keys()
    assert not unknown, unknown
    row = {**DEFAULTS, **values}
    if row["request_id"] is None:
        row["request_id"] = f"req_{next(_ids)}"
    return row


def stage(wh: Warehouse, rows: list[dict[str, Any]], name: str = "stage") -> str:
    """A TEMP table shaped like `requests` holding `rows` (what ingest hands to apply_prices)."""
    con = wh.con
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM requests LIMIT 0")
    columns = [r[0] for r in con.execute(f"SELECT name FROM pragma_table_info('{name}')").fetchall()]
    marks = ", ".join("?" for _ in columns)
    con.executemany(
        f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})",
        [[row.get(c) for c in columns] for row in rows],
    )
    return name


def is_segmented(wh: Warehouse) -> bool:
    row = wh.con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = 'requests' AND table_schema = 'main'"
    ).fetchone()
    return row is not None and row[0] == "VIEW"


def store(wh: Warehouse, rows: list[dict[str, Any]], *, catalog: Catalog | None = None) -> None:
    """Load rows into the warehouse as ingest does: priced (when a catalog is given), then written
    as one Parquet segment (or inserted, in a warehouse whose `requests` is a table)."""
    from llmcost.pricing import apply_prices
    from llmcost.warehouse import segments

    con = wh.con
    name = stage(wh, rows, "_test_batch")
    if catalog is not None:
        apply_prices(con, name, catalog)
    if not is_segmented(wh):
        con.execute(f"INSERT INTO requests SELECT * FROM {name}")
        return
    seg_dir = segments.segment_dir(wh.path)
    seg = segments.write_segment(con, seg_dir, "requests", f"SELECT * FROM {name} ORDER BY ts")
    con.execute("BEGIN")
    con.execute(
        f"""INSERT INTO segments
            SELECT (SELECT coalesce(max(segment_id), 0) + 1 FROM segments), 'requests', ?, ?,
                   min(ts), max(ts), 1, now() FROM {name}""",
        [seg.file, seg.rows],
    )
    segments.rebuild_views(con, seg_dir)
    con.execute("COMMIT")
