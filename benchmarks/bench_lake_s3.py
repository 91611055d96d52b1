"""`llmcost report` from a lake on S3 (moto's server on 127.0.0.1) against the local warehouse.

    .venv/bin/python benchmarks/bench_lake_s3.py [--requests 1000000 3000000] [--repeat 3] [--dir DIR]

For each size: bench_report.py's warehouse (a real DuckDB file over Parquet segments of 1M rows,
events a third of the requests), then `llmcost lake publish s3://bench/lake-N` (timed once), then,
in fresh processes and in turn so a busy machine slows each alike, median wall seconds of:
  db        llmcost report ... --db warehouse.duckdb
  lake dir  llmcost report ... --lake FOLDER   (the same lake published to a local folder)
  lake s3   llmcost report ... --lake s3://bench/lake-N
for `report --by tenant` (an open window: its ends are read from the data) and `report --by day
--by model` over the month. Every answer is checked identical to --db's first.
moto is an in-process Python server, far slower per byte than S3 or MinIO: read the s3 column as
an upper bound on what llmcost itself adds, not as a network figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

PY = sys.executable
REPORTS = {
    "by tenant": ["report", "--by", "tenant", "--format", "json"],
    "by day x model": [
        *("report", "--by", "day", "--by", "model", "--format", "json"),
        *("--since", "2026-10-01", "--until", "2026-10-30"),
    ],
}


def timed(argv: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return wall, done.stdout


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, nargs="+", default=[1_000_000, 3_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=None)
    a = ap.parse_args()

    import logging

    import boto3
    from bench_report import build
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ.update(
        AWS_ENDPOINT_URL=f"http://{host}:{port}",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
    )
    boto3.client("s3").create_bucket(Bucket="bench")
    root = a.dir or Path(tempfile.mkdtemp(prefix="llmcost-bench-lake-"))
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print("| rows | report | --db s | --lake folder s | --lake s3 s | s3 / db |")
    print("|---|---|---|---|---|---|")
    notes = []
    for n in a.requests:
        db = root / f"w{n}" / "warehouse.duckdb"
        db.parent.mkdir(parents=True, exist_ok=True)
        if not db.exists():
            build(db, n, n // 3, 1_000_000)
        cli = [PY, "-m", "llmcost"]
        folder = root / f"lake{n}"
        url = f"s3://bench/lake-{n}"
        t_dir, _ = timed([*cli, "lake", "publish", str(folder), "--db", str(db)])
        t_s3, _ = timed([*cli, "lake", "publish", url, "--db", str(db)])
        notes.append(f"{n:,} rows: lake publish to a folder {t_dir:.1f} s, to moto S3 {t_s3:.1f} s")
        for name, args in REPORTS.items():
            where = {"db": ["--db", str(db)], "dir": ["--lake", str(folder)], "s3": ["--lake", url]}
            times: dict[str, list[float]] = {k: [] for k in where}
            want = None
            for i in range(a.repeat + 1):  # the first round warms the page cache and is not counted
                for k, extra in where.items():
                    wall, out = timed([*cli, *args, *extra])
                    want = want if want is not None else out
                    if out != want:
                        raise SystemExit(f"{name}: {k} answered differently from --db")
                    if i:
                        times[k].append(wall)
            db_s, dir_s, s3_s = (statistics.median(times[k]) for k in where)
            print(
                f"| {n:,} | {name} | {db_s:.2f} | {dir_s:.2f} | {s3_s:.2f} | {s3_s / db_s:.1f}x |", flush=True
            )
    for line in notes:
        print(line)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
