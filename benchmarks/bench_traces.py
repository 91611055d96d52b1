"""`llmcost traces` on a 10M-request warehouse, whole process (issue 18: <= 3 s).

    .venv/bin/python benchmarks/bench_traces.py [--requests 10000000] [--repeat 3] [--dir DIR] [--keep]

The warehouse is bench_report.py's (Parquet segments written with DuckDB from range(), registered
through the warehouse API: 500 tenants, 4 features, traces of two calls, 2% failures), plus a
session id (ten calls a session). Timed: a fresh `python -m llmcost traces ...` process each run
(interpreter start, imports, warehouse open, the queries, rendering JSON to /dev/null), best of
--repeat after one warm-up, for `traces` (5M traces at 10M requests), `traces --by session` (1M
sessions) and `trace ID`; and, in the same run, one hand-written DuckDB statement that groups the
requests by trace (the floor any per-trace report pays).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_report  # the warehouse builder

# bench_report's requests, each with the session of its ten-call block
SESSIONS = "SELECT *, 'session_' || (source_line // 10) AS session_id FROM ({})"
bench_report.REQUESTS_SQL = SESSIONS.format(bench_report.REQUESTS_SQL.strip())

BASELINE = """
SELECT count(*), sum(c) FROM (
    SELECT trace_id, count(*) AS c, sum(cost_usd) AS cost, min(ts), max(ts)
    FROM requests WHERE trace_id IS NOT NULL GROUP BY trace_id
)
"""


def timed(argv: list[str], repeat: int) -> list[float]:
    env = {**os.environ, "NO_COLOR": "1"}
    runs = []
    for i in range(repeat + 1):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        if i:  # the first run warms the page cache
            runs.append(time.perf_counter() - t0)
    return runs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--requests", type=int, default=10_000_000)
    ap.add_argument("--segment-rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="llmcost-bench-traces-"))
    root.mkdir(parents=True, exist_ok=True)
    db = root / f"traces-{args.requests}.duckdb"
    os.environ.setdefault("LLMCOST_HOME", str(root))
    t0 = time.perf_counter()
    if not db.exists():
        bench_report.build(db, args.requests, args.requests // 10, args.segment_rows)
    print(
        f"warehouse: {args.requests:,} requests ({args.requests // 2:,} traces), built in {time.perf_counter() - t0:.1f} s"
    )

    import duckdb

    def baseline() -> float:
        con = duckdb.connect(str(db), read_only=True)
        try:
            t = time.perf_counter()
            con.execute(BASELINE).fetchall()
            return time.perf_counter() - t
        finally:
            con.close()

    py = [sys.executable, "-m", "llmcost"]
    cases = {
        "traces -f json": [*py, "traces", "--db", str(db), "-f", "json"],
        "traces (table)": [*py, "traces", "--db", str(db)],
        "traces --by session -f json": [*py, "traces", "--by", "session", "--db", str(db), "-f", "json"],
        "trace ID": [*py, "trace", "trace_4242", "--db", str(db), "-f", "json"],
    }
    base = [baseline() for _ in range(args.repeat + 1)][1:]
    print(f"{'case':32} {'best s':>7}  runs")
    print(f"{'baseline: GROUP BY trace_id':32} {min(base):7.2f}  {', '.join(f'{x:.2f}' for x in base)}")
    for name, argv in cases.items():
        runs = timed(argv, args.repeat)
        print(f"{name:32} {min(runs):7.2f}  {', '.join(f'{x:.2f}' for x in runs)}")
    if not args.keep and args.dir is None:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
