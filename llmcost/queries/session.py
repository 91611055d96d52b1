"""Preparing a warehouse connection for reporting."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from llmcost.warehouse import segments
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

    from llmcost.warehouse import Warehouse

SQL = SqlFiles("llmcost.queries")


def prepare(wh: Warehouse) -> duckdb.DuckDBPyConnection:
    """The warehouse's connection, set up so every report reads the same way on every machine.

    - The session zone is UTC: buckets name their zone explicitly (`timezone($tz, ts)`), and the
      machine's local zone must never leak into a cast or into the instants handed back.
    - Views written by a writer that was given a relative `--db` point at a relative segment
      directory, which only resolves from that writer's working directory; a reader cannot
      rewrite them, so it shadows them with TEMP views over the absolute directory.
    """
    con = wh.con
    con.execute(SQL.text("session_utc"))
    recorded = segments.recorded_dir(con)
    if recorded and not Path(recorded).is_absolute():
        segments.rebuild_views(con, segments.segment_dir(wh.path.resolve()), temp=True)
    return con
