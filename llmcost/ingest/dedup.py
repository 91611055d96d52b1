"""Exactly once: which staged rows are new, and which repeats disagree with the row that was kept.

Each kind's identity (request_id, event_id) is hashed to a key; a key table per kind holds every
key ever loaded. The first loaded record with an id wins; later lines with the same id count as
duplicates, and those whose content differs are also kept in `conflicts` (commit.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.ingest")

# the record kinds a batch loads: (table, the staged `kind` label)
KINDS = (("requests", "request"), ("outcomes", "outcome"))
KEYS = {"requests": "request_keys", "outcomes": "outcome_keys"}
# (identity column, columns that must agree for a repeat to be a plain duplicate)
IDENTITY = {
    "requests": (
        "request_id",
        [
            "ts",
            "model",
            "provider",
            "input_tokens",
            "cached_input_tokens",
            "cache_write_tokens",
            "output_tokens",
            "reasoning_tokens",
            "outcome",
            "logged_cost_usd",
            "tenant_id",
            "feature",
            "user_id",
            "trace_id",
        ],
    ),
    "outcomes": (
        "event_id",
        ["ts", "event", "request_id", "trace_id", "tenant_id", "feature", "user_id", "value"],
    ),
}


@dataclass(frozen=True)
class Fresh:
    loaded: int  # rows in fresh_<kind>: ids never loaded before (first sighting in the batch)
    naive_ts: int  # of those, timestamps that had no zone


def fresh(con: duckdb.DuckDBPyConnection, kind: str, label: str, source_id: int, ingest_id: int) -> Fresh:
    """Build fresh_<kind>: the staged rows of this kind whose id was never loaded (first sighting
    in the batch), as canonical rows of source `source_id` and run `ingest_id`."""
    row = SQL.run(con, "repeats", {"label": label})
    repeats = bool(row and row[0][0])
    SQL.run(
        con,
        "fresh",
        {"label": label, "source_id": source_id, "ingest_id": ingest_id},
        kind=kind,
        select=SQL.fragment(kind),
        keys=KEYS[kind],
        first_only=SQL.fragment("first_sighting") if repeats else "",
    )
    ((loaded, naive),) = SQL.run(con, "fresh_counts", kind=kind)
    return Fresh(int(loaded), int(naive))


def conflicts(con: duckdb.DuckDBPyConnection, kind: str, label: str, source_id: int, ingest_id: int) -> int:
    """Build conflicts_<kind>: the duplicates whose content differs from the record that was kept;
    returns how many."""
    id_col, compare = IDENTITY[kind]
    SQL.run(
        con,
        "conflicts",
        {"label": label, "source_id": source_id, "ingest_id": ingest_id},
        kind=kind,
        select=SQL.fragment(kind),
        id=id_col,
        cols=", ".join(compare),
        differs=" OR ".join(f"d.{c} IS DISTINCT FROM k.{c}" for c in compare),
    )
    row = SQL.run(con, "conflict_count", kind=kind)
    return int(row[0][0]) if row else 0
