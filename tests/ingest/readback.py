"""Reading a warehouse file back in an ingest test: a read-only DuckDB connection, closed after."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
