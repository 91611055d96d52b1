"""`llmcost report` on Spark local[2] against DuckDB, on the same warehouse.

    .venv/bin/python benchmarks/bench_engine.py [--requests 1000000] [--repeat 3] [--dir DIR]

The warehouse is bench_report.py's (a real DuckDB file over Parquet segments of `--requests` rows).
Timed in one process, best of --repeat after a warm-up, wall seconds, for the spend report the CLI
runs (`llmcost.queries.spend.spend`, data-quality facts included) by tenant and by day x model:
- duckdb: the prepared warehouse connection
- spark:  llmcost.warehouse.engine.SparkConnection over the same segments (small tables copied to
          Parquet once), the same .sql files transpiled; the session start is timed apart.
Both answers are checked equal before anything is timed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def best(fn: Any, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--dir", type=Path, default=None)
    a = ap.parse_args()

    from bench_report import build

    from llmcost.queries.dimensions import parse_by
    from llmcost.queries.scope import Scope
    from llmcost.queries.session import prepare
    from llmcost.queries.spend import SpendQuery, spend
    from llmcost.report import render_text
    from llmcost.warehouse import engine, reader
    from llmcost.window import Window

    root = a.dir or Path(tempfile.mkdtemp(prefix="llmcost-bench-engine-"))
    db = root / "warehouse.duckdb"
    if not db.exists():
        t = time.perf_counter()
        build(db, a.requests, a.requests // 3, 1_000_000)
        print(f"built {a.requests:,} requests in {time.perf_counter() - t:.1f} s at {db}")
    t = time.perf_counter()
    session = engine.spark_session(a.master)
    print(f"spark session start ({a.master}): {time.perf_counter() - t:.1f} s")
    queries = {
        "by tenant": SpendQuery(parse_by(["tenant"]), Scope(Window.parse(None, None, "UTC"), (), "derived")),
        "by day x model": SpendQuery(
            parse_by(["day", "model"]), Scope(Window.parse("2026-10-01", "2026-10-31", "UTC"), (), "derived")
        ),
    }
    print(f"| query | DuckDB s | Spark {a.master} s | Spark / DuckDB |")
    print("|---|---|---|---|")
    with reader(db) as wh:
        con = prepare(wh)
        with engine.warehouse_tables(con, wh.segment_dir) as tables:
            spark_con = cast(Any, engine.SparkConnection(session, tables))
            for name, q in queries.items():
                assert render_text(spend(con, q), "json") == render_text(spend(spark_con, q), "json"), name
                d = best(lambda q=q: spend(con, q), a.repeat)
                s = best(lambda q=q: spend(spark_con, q), a.repeat)
                print(f"| {name} | {d:.2f} | {s:.2f} | {s / d:.1f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
