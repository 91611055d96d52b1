"""`llmcost ingest --engine spark` (Spark local[N]) against the default single-process ingest.

    .venv/bin/python benchmarks/bench_spark_ingest.py [--lines 1000000] [--repeat 2] [--master local[2]]

The input is bench_ingest.py's generated log (`--shape month`: requests, outcomes and unrelated
lines; or `--shape flat`: only distinct requests), cached under benchmarks/data/. Each round runs,
in fresh processes, one after the other on the same file into fresh warehouses:
  duckdb  llmcost ingest FILE --db fresh.duckdb --quiet
  spark   llmcost ingest FILE --db fresh.duckdb --quiet --engine spark --spark-master MASTER
and a third process that only starts and stops a Spark session (the JVM's share of the spark run).
Prints wall seconds, lines per second and the ratio; checks both warehouses hold the same rows and
print the same `report --by tenant` JSON. The machine is shared: quote the ratio and the load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
PY = sys.executable

SESSION_ONLY = """
import sys
from llmcost.warehouse.engine import spark_session
spark_session(sys.argv[1]).stop()
"""


def timed(argv: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def report(db: Path) -> str:
    out = subprocess.run(
        [
            PY,
            "-m",
            "llmcost",
            "report",
            "--by",
            "tenant",
            "-f",
            "json",
            "--db",
            str(db),
            "--since",
            "2000-01-01",
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    return out.stdout


def rows(db: Path) -> tuple[object, ...]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        q = "SELECT (SELECT count(*) FROM requests), (SELECT sum(cost_usd) FROM requests), (SELECT count(*) FROM outcomes)"
        row = con.execute(q).fetchone()
        return tuple(row or ())
    finally:
        con.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--shape", choices=("month", "flat"), default="month")
    ap.add_argument("--master", default="local[2]")
    a = ap.parse_args()

    from bench_ingest import log_file

    src = log_file(a.lines, a.shape)
    lines = sum(1 for _ in src.open("rb"))
    size = src.stat().st_size
    print(f"input: {src} ({lines:,} lines, {size / 1e6:.0f} MB), master {a.master}, load {os.getloadavg()}")
    times: dict[str, list[float]] = {"duckdb": [], "spark": [], "session": []}
    with tempfile.TemporaryDirectory(prefix="llmcost-bench-spark-ingest-") as tmp:
        root = Path(tmp)
        for r in range(a.repeat):
            dbs = {}
            for engine in ("duckdb", "spark"):
                db = root / f"{engine}-{r}" / "w.duckdb"
                db.parent.mkdir()
                argv = [PY, "-m", "llmcost", "ingest", str(src), "--db", str(db), "--quiet"]
                if engine == "spark":
                    argv += ["--engine", "spark", "--spark-master", a.master]
                times[engine].append(timed(argv))
                dbs[engine] = db
            times["session"].append(timed([PY, "-c", SESSION_ONLY, a.master]))
            same_rows = rows(dbs["duckdb"]) == rows(dbs["spark"])
            same_report = report(dbs["duckdb"]) == report(dbs["spark"])
            print(
                f"round {r + 1}: duckdb {times['duckdb'][-1]:.1f} s, spark {times['spark'][-1]:.1f} s "
                f"(session alone {times['session'][-1]:.1f} s); same rows {same_rows}, "
                f"same report {same_report}; load {os.getloadavg()[0]:.1f}"
            )
            if not (same_rows and same_report):
                return 1
            for engine in dbs:
                shutil.rmtree(dbs[engine].parent)
    d, s, j = min(times["duckdb"]), min(times["spark"]), min(times["session"])
    print("| engine | best wall s | lines/s |")
    print("|---|---|---|")
    print(f"| DuckDB, one process | {d:.1f} | {lines / d:,.0f} |")
    print(f"| Spark {a.master}, whole command | {s:.1f} | {lines / s:,.0f} |")
    print(f"| Spark {a.master}, less session start ({j:.1f} s) | {s - j:.1f} | {lines / (s - j):,.0f} |")
    print(f"spark / duckdb: {s / d:.1f}x whole, {(s - j) / d:.1f}x without the session start")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
