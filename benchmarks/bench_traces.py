"""`llmcost traces` on a 10M-request warehouse, whole process (issue 18: <= 3 s).

    .venv/bin/python benchmarks/bench_traces.py [--requests 10000000] [--repeat 3] [--dir DIR] [--keep]
        [--tree SRC --tree SRC ...] [--only traces] [--distinct-costs]

The warehouse is bench_report.py's (Parquet segments written with DuckDB from range(), registered
through the warehouse API: 500 tenants, 4 features, traces of two calls, 2% failures), plus a
session id (ten calls a session). Timed: a fresh `python -m llmcost traces ...` process each run
(interpreter start, imports, warehouse open, the queries, rendering JSON to /dev/null), best of
--repeat after one warm-up, for `traces` (5M traces at 10M requests), `traces --by session` (1M
sessions) and `trace ID`; and, in the same run, one hand-written DuckDB statement that groups the
requests by trace (the floor any per-trace report pays). With --distinct-costs the calls' tokens and
cost and the traces' durations vary as in real logs (DISTINCT below; file traces-distinct-N.duckdb).

Each `--tree SRC` (a source tree: a worktree, or `git archive` of a commit unpacked) runs its own
llmcost (PYTHONPATH=SRC) in the same interleaved rounds, so two versions are measured under one
machine state; the output of each case must be byte-identical across trees. Wall and CPU (user +
system of the child) are reported, best of --repeat; the load average is printed before and after.
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

# --distinct-costs: as real logs are, every call's tokens (hence cost) and every trace's duration vary.
# Tokens are hashes of the line (50..20049 in, 5..2004 out; embeddings none), each of six models has
# its own prices (nano-dollars per token, pairwise coprime-ish so sums rarely coincide), and a trace's
# second call comes 0..119.999 s after its first (to the millisecond). With traces of two calls at
# 10M requests, nearly all 5M trace costs are distinct (the plain warehouse has 1,530).
DISTINCT = """
SELECT * REPLACE (
    TIMESTAMPTZ '2026-10-01 00:00:00+00'
        + to_seconds((((source_line - 1) // 2) * 7919) % ({days} * 86400))
        + to_milliseconds(CASE WHEN source_line % 2 = 0 THEN hash(source_line, 3) % 120000 ELSE 0 END) AS ts,
    (50 + hash(source_line, 1) % 20000) AS input_tokens,
    (CASE WHEN (source_line - 1) % 6 = 2 THEN 0 ELSE 5 + hash(source_line, 2) % 2000 END) AS output_tokens,
    CASE WHEN source_line % 1000 = 8 THEN NULL
         ELSE CAST((
             (50 + hash(source_line, 1) % 20000) * [397, 2993, 20, 151, 1987, 799][(source_line - 1) % 6 + 1]
             + (CASE WHEN (source_line - 1) % 6 = 2 THEN 0 ELSE 5 + hash(source_line, 2) % 2000 END) * [1613, 14989, 0, 607, 7993, 3989][(source_line - 1) % 6 + 1]
         ) / 1e9 AS DECIMAL(18, 9))
    END AS cost_usd
) FROM ({plain})
"""

BASELINE = """
SELECT count(*), sum(c) FROM (
    SELECT trace_id, count(*) AS c, sum(cost_usd) AS cost, min(ts), max(ts)
    FROM requests WHERE trace_id IS NOT NULL GROUP BY trace_id
)
"""


def run_once(argv: list[str], tree: Path | None) -> tuple[float, float, bytes]:
    """Wall and CPU seconds (user + system of the child) of one process, and its stdout."""
    env = {**os.environ, "NO_COLOR": "1"}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    before = os.times()
    t0 = time.perf_counter()
    # `python -m` puts the working directory first on sys.path, ahead of PYTHONPATH: run in the tree
    # itself (or, for the installed llmcost, outside any tree), else every tree runs the cwd's code.
    cwd = tree if tree is not None else Path(tempfile.gettempdir())
    done = subprocess.run(
        argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=cwd
    )
    wall = time.perf_counter() - t0
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, done.stdout


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--requests", type=int, default=10_000_000)
    ap.add_argument("--segment-rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument(
        "--tree", type=Path, action="append", default=[], help="a source tree to time (repeatable)"
    )
    ap.add_argument("--only", action="append", default=[], help="run only the cases whose name starts so")
    ap.add_argument(
        "--distinct-costs",
        action="store_true",
        help="tokens, cost and duration varying per call and trace, as in real logs (traces-distinct-N)",
    )
    args = ap.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="llmcost-bench-traces-"))
    root.mkdir(parents=True, exist_ok=True)
    db = root / f"traces-{args.requests}.duckdb"
    if args.distinct_costs:
        db = root / f"traces-distinct-{args.requests}.duckdb"
        plain = bench_report.REQUESTS_SQL.strip().replace("{", "{{").replace("}", "}}")
        plain = plain.replace("{{lo}}", "{lo}").replace("{{hi}}", "{hi}").replace("{{days}}", "{days}")
        bench_report.REQUESTS_SQL = DISTINCT.replace("{plain}", plain)
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
    if args.only:
        cases = {k: v for k, v in cases.items() if any(k.startswith(o) for o in args.only)}
    trees: list[Path | None] = [t.resolve() for t in args.tree] or [None]
    label = {t: (t.name if t is not None else "installed") for t in trees}
    print(f"load average before: {load()}")
    base = [baseline() for _ in range(args.repeat + 1)][1:]
    print(f"{'case':32} {'tree':14} {'best s':>7} {'cpu s':>6}  runs (wall s)")
    print(
        f"{'baseline: GROUP BY trace_id':32} {'':14} {min(base):7.2f} {'':>6}  {', '.join(f'{x:.2f}' for x in base)}"
    )
    for name, argv in cases.items():
        walls: dict[Path | None, list[float]] = {t: [] for t in trees}
        cpus: dict[Path | None, list[float]] = {t: [] for t in trees}
        outputs: dict[Path | None, bytes] = {}
        for i in range(args.repeat + 1):
            for t in trees:  # interleaved: every tree sees the same machine state
                wall, cpu, out = run_once(argv, t)
                outputs[t] = out
                if i:  # the first round warms the page cache
                    walls[t].append(wall)
                    cpus[t].append(cpu)
        for t in trees:
            w = walls[t]
            print(
                f"{name:32} {label[t]:14} {min(w):7.2f} {min(cpus[t]):6.2f}  {', '.join(f'{x:.2f}' for x in w)}"
            )
        if len(set(outputs.values())) > 1:
            print(f"  !! {name}: the trees' outputs differ")
    print(f"load average after: {load()}")
    if not args.keep and args.dir is None:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
