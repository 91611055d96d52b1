"""Ingest from S3 (moto's server on 127.0.0.1) against the same log as a local file.

    .venv/bin/python benchmarks/bench_s3.py [--lines 200000] [--repeat 2]

Uses bench_ingest.py's generated log (cached under benchmarks/data/), uploads it plain and gzip,
then alternates, in fresh processes, with a fresh warehouse each time:
  local     llmcost ingest app.log
  s3        llmcost ingest s3://bench/plain/app.log
  s3 gzip   llmcost ingest s3://bench/gzip/app.log.gz
  again     the same once more into the same warehouse (loads nothing: what a rerun costs)
and prints wall seconds and peak RSS. moto is an in-process Python server, far slower than S3 or
MinIO per byte: read the s3 rows as an upper bound on llmcost's own overhead, not a network figure.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_ingest import PY, log_file, run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    import boto3
    from moto.server import ThreadedMotoServer

    app = log_file(args.lines)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ.update(
        AWS_ENDPOINT_URL=f"http://{host}:{port}",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
    )
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="bench")
    body = app.read_bytes()
    s3.put_object(Bucket="bench", Key="plain/app.log", Body=body)
    s3.put_object(Bucket="bench", Key="gzip/app.log.gz", Body=gzip.compress(body, 6))
    lines = body.count(b"\n")
    print(f"{len(body) / 1e6:.1f} MB, {lines:,} lines")
    cases = {
        "local": [str(app)],
        "s3": ["s3://bench/plain/app.log"],
        "s3 gzip": ["s3://bench/gzip/app.log.gz"],
    }
    times: dict[str, list[float]] = {k: [] for k in [*cases, "local again", "s3 again"]}
    rss: dict[str, int] = {k: 0 for k in times}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            for name, paths in cases.items():
                db = Path(tmp) / f"{name.replace(' ', '-')}-{i}.duckdb"
                wall, peak = run([PY, "-m", "llmcost", "ingest", *paths, "--db", str(db), "-q"])
                times[name].append(wall)
                rss[name] = max(rss[name], peak)
                if name in ("local", "s3"):
                    wall, peak = run([PY, "-m", "llmcost", "ingest", *paths, "--db", str(db), "-q"])
                    times[f"{name} again"].append(wall)
                    rss[f"{name} again"] = max(rss[f"{name} again"], peak)
    server.stop()
    for name, walls in times.items():
        print(f"{name:11s} {statistics.median(walls):7.2f} s   peak RSS {rss[name] / 1024:6.0f} MiB")


if __name__ == "__main__":
    main()
