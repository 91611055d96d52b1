"""Preparing a warehouse connection for reporting."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, cast

from llmcost.errors import UsageError
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


@contextlib.contextmanager
def connection(
    db_path: Path, engine: str = "duckdb", master: str = "local[2]", lake: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The connection a report reads through: the warehouse's, prepared; or with `engine="spark"`
    a Spark session over the warehouse's Parquet files (segments as they are, the small tables
    copied out for the block), which answers the same `.sql` files transpiled
    (llmcost.warehouse.engine) and looks like a DuckDB connection to the queries. With `lake`, either
    engine reads the lake published at that URL instead of the local warehouse."""
    from llmcost.warehouse import reader

    if engine != "duckdb":  # DuckDB, the default, needs nothing of llmcost.warehouse.engine
        from llmcost.warehouse import engine as engines

        if engine not in engines.ENGINES:
            raise UsageError(
                f"--engine: unknown engine {engine[:30]!r}; choose from {', '.join(engines.ENGINES)}"
            )
    with reader(db_path, lake) as wh:
        con = prepare(wh)
        if engine == "duckdb":
            yield con
            return
        from llmcost.warehouse import engine as engines

        session = engines.spark_session(master)
        files = wh.snapshot.segments if wh.snapshot is not None else None
        with engines.warehouse_tables(con, wh.segment_dir, files) as tables:
            # duck-typed: execute / description / fetchall / fetchone, all the queries use
            yield cast("duckdb.DuckDBPyConnection", engines.SparkConnection(session, tables))
