"""Ingest speed and memory against DuckDB's own JSON-to-Parquet copy of the same file.

    .venv/bin/python benchmarks/bench_ingest.py [--lines 1000000] [--repeat 2]

Generates (once, cached under benchmarks/data/) a log of about --lines lines with the synthetic
generator, then alternates, in fresh processes:
  baseline  duckdb: COPY (SELECT * FROM read_json(file)) TO 'x.parquet'
  llmcost   llmcost ingest file --db fresh.duckdb
and prints wall seconds, the ratio (target <= 1.5) and peak RSS. Memory is also measured on a file
10x smaller (target: peak grows < 20% for 10x the input). The machine is shared and noisy: compare
the ratio, not the seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).parent / "data"
PY = sys.executable

BASELINE = """
import duckdb, sys
con = duckdb.connect()
con.execute("COPY (SELECT * FROM read_json(?)) TO '" + sys.argv[2] + "' (FORMAT parquet)", [sys.argv[1]])
"""


def log_file(lines: int) -> Path:
    """A generated log of about `lines` lines (requests ~77%, outcomes, unrelated lines)."""
    out = DATA / f"ingest-{lines}"
    app = out / "app.log"
    if not app.exists():
        from llmcost.synth import generate

        shutil.rmtree(out, ignore_errors=True)
        generate(out, seed=11, requests=int(lines * 0.766), anomalies="none", files=1)
    return app


def run(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed:\n{err}")
    return wall, usage.ru_maxrss


def measure(app: Path, repeat: int) -> dict[str, list[float] | list[int]]:
    res: dict[str, list] = {"base": [], "ours": [], "rss": []}
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        for i in range(repeat):
            pq = Path(tmp) / f"b{i}.parquet"
            res["base"].append(run([PY, "-c", BASELINE, str(app), str(pq)])[0])
            db = Path(tmp) / f"w{i}.duckdb"
            wall, rss = run([PY, "-m", "llmcost", "ingest", str(app), "--db", str(db), "--quiet"])
            res["ours"].append(wall)
            res["rss"].append(rss)
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    DATA.mkdir(exist_ok=True)
    big = log_file(args.lines)
    small = log_file(args.lines // 10)
    n_big = sum(1 for _ in big.open("rb"))
    r_big = measure(big, args.repeat)
    r_small = measure(small, 1)
    base, ours = statistics.median(r_big["base"]), statistics.median(r_big["ours"])
    rss_big, rss_small = max(r_big["rss"]), max(r_small["rss"])
    mb = big.stat().st_size / 1e6
    print(f"input: {n_big:,} lines, {mb:,.0f} MB ({big})")
    print(
        f"baseline duckdb read_json -> parquet: {base:.2f} s (runs {', '.join(f'{x:.2f}' for x in r_big['base'])})"
    )
    print(
        f"llmcost ingest (fresh warehouse):     {ours:.2f} s (runs {', '.join(f'{x:.2f}' for x in r_big['ours'])})"
    )
    print(f"ratio llmcost / baseline: {ours / base:.2f}  (target <= 1.50)   {n_big / ours:,.0f} lines/s")
    print(
        f"peak RSS: {rss_big / 1024:,.0f} MiB at {n_big:,} lines, {rss_small / 1024:,.0f} MiB at 1/10 of that: "
        f"growth {100 * (rss_big / rss_small - 1):.0f}% for 10x input (target < 20%, < 1024 MiB)"
    )


if __name__ == "__main__":
    main()
