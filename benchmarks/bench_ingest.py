"""Ingest speed and memory against DuckDB's own JSON-to-Parquet copy of the same file.

    .venv/bin/python benchmarks/bench_ingest.py [--lines 1000000] [--repeat 2] [--shape month|flat]
        [--trees OLD NEW ...]

With --trees, each llmcost run is made once per source tree (PYTHONPATH=tree), alternating with the
baseline in the same loop, so a before/after comparison shares the machine's load.

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


def flat_file(lines: int) -> Path:
    """`lines` flat llm.request lines, every one a distinct request (issue 16's "1M flat lines")."""
    out = DATA / f"flat-{lines}"
    app = out / "app.log"
    if not app.exists():
        import json

        out.mkdir(parents=True, exist_ok=True)
        tmp = out / "app.log.tmp"
        with tmp.open("w") as f:
            for i in range(lines):
                rec = {
                    "ts": f"2026-10-{1 + i % 28:02d}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000Z",
                    "level": "info",
                    "msg": "llm.request",
                    "requestId": f"req-{i:09d}",
                    "traceId": f"trace-{i // 3:09d}",
                    "tenantId": f"tenant_{i % 97}",
                    "userId": f"u{i % 1009}",
                    "feature": ("copilot", "classifier", "rag_search")[i % 3],
                    "provider": "anthropic" if i % 2 else "openai",
                    "model": "claude-sonnet-4" if i % 2 else "gpt-4o-mini",
                    "inputTokens": 1000 + i % 5000,
                    "cachedInputTokens": i % 700,
                    "outputTokens": 50 + i % 900,
                    "latencyMs": 200 + i % 3000,
                    "outcome": "success" if i % 50 else "error",
                    "service": "api",
                }
                f.write(json.dumps(rec) + "\n")
        tmp.rename(app)
    return app


def log_file(lines: int, shape: str = "month") -> Path:
    """A generated log of about `lines` lines (requests ~77%, outcomes, unrelated lines)."""
    if shape == "flat":
        return flat_file(lines)
    out = DATA / f"ingest-{lines}"
    app = out / "app.log"
    if not app.exists():
        from llmcost.synth import generate

        shutil.rmtree(out, ignore_errors=True)
        generate(out, seed=11, requests=int(lines * 0.766), anomalies="none", files=1)
    return app


def run(argv: list[str], tree: str | None = None) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB) and CPU seconds (user + system) of one child process."""
    env = None
    if tree is not None:
        env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve()), "PYTHONDONTWRITEBYTECODE": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed:\n{err}")
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def measure(app: Path, repeat: int, tree: str | None = None) -> dict[str, list[float] | list[int]]:
    return measure_trees(app, repeat, [tree])[tree]


def measure_trees(app: Path, repeat: int, trees: list[str | None]) -> dict[str | None, dict[str, list]]:
    """Per tree: baseline and llmcost runs, the baseline re-run before each llmcost run."""
    out: dict[str | None, dict[str, list]] = {
        t: {"base": [], "ours": [], "rss": [], "base_cpu": [], "ours_cpu": []} for t in trees
    }
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        for i in range(repeat):
            for j, tree in enumerate(trees):
                res = out[tree]
                pq = Path(tmp) / f"b{i}-{j}.parquet"
                wall, _, cpu = run([PY, "-c", BASELINE, str(app), str(pq)])
                res["base"].append(wall)
                res["base_cpu"].append(cpu)
                db = Path(tmp) / f"w{i}-{j}.duckdb"
                wall, rss, cpu = run(
                    [PY, "-m", "llmcost", "ingest", str(app), "--db", str(db), "--quiet"], tree
                )
                res["ours"].append(wall)
                res["ours_cpu"].append(cpu)
                res["rss"].append(rss)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--shape", choices=("month", "flat"), default="month")
    ap.add_argument("--no-small", action="store_true", help="skip the 1/10 memory run")
    ap.add_argument("--trees", nargs="+", metavar="DIR", help="source trees to compare (PYTHONPATH each)")
    args = ap.parse_args()
    DATA.mkdir(exist_ok=True)
    big = log_file(args.lines, args.shape)
    small = big if args.no_small else log_file(args.lines // 10, args.shape)
    if args.trees:
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        by_tree = measure_trees(big, args.repeat, args.trees)
        small_by_tree = by_tree if args.no_small else measure_trees(small, 1, args.trees)
        for tree in args.trees:
            print(f"== tree {tree}")
            report(big, by_tree[tree], small_by_tree[tree])
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        return
    r_big = measure(big, args.repeat)
    r_small = r_big if args.no_small else measure(small, 1)
    report(big, r_big, r_small)


def report(big: Path, r_big: dict[str, list], r_small: dict[str, list]) -> None:
    n_big = sum(1 for _ in big.open("rb"))
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
    cpu_b, cpu_o = statistics.median(r_big["base_cpu"]), statistics.median(r_big["ours_cpu"])
    print(
        f"ratio llmcost / baseline: {ours / base:.2f}  (target <= 2.0, stretch 1.5)   {n_big / ours:,.0f} lines/s"
    )
    print(f"CPU seconds: baseline {cpu_b:.2f}, llmcost {cpu_o:.2f} (ratio {cpu_o / cpu_b:.2f})")
    print(
        f"peak RSS: {rss_big / 1024:,.0f} MiB at {n_big:,} lines, {rss_small / 1024:,.0f} MiB at 1/10 of that: "
        f"growth {100 * (rss_big / rss_small - 1):.0f}% for 10x input (target < 20%, < 1024 MiB)"
    )


if __name__ == "__main__":
    main()
