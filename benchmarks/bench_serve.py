"""Page load times of `llmcost serve` on the demo warehouse (60,000 requests over a month), and on a
larger warehouse when one is given (e.g. the 10M one bench_report.py builds with --keep).

    .venv/bin/python benchmarks/bench_serve.py [--dir DIR] [--db FILE --config FILE] [--repeat 5]

A real server (`llmcost serve --port 0`) in its own process; each page and API answer fetched over
HTTP on 127.0.0.1, timed from the request to the last byte, best and median of --repeat after one
warm-up (the first load, printed too). The server opens the warehouse (its snapshot when current)
for every request, so every figure includes that; the overview's repeats come from its cache. Target (issue 20): every page under 1 s on the demo, the explorer under 2 s at 10M requests.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _month(db: Path, config: Path | None) -> tuple[str, str]:
    """The warehouse's last full 14 days, as since/until."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT CAST(max(ts) AS DATE) FROM requests").fetchone()
    finally:
        con.close()
    assert row is not None and row[0] is not None
    from datetime import timedelta

    until = row[0] + timedelta(days=1)
    return str(until - timedelta(days=14)), str(until)


def start(
    db: Path, config: Path | None, timeout: float | None = None
) -> tuple[subprocess.Popen[bytes], str, Path]:
    log = Path(tempfile.mkstemp(prefix="bench-serve-", suffix=".log")[1])
    args = [
        sys.executable,
        "-m",
        "llmcost",
        "serve",
        "--db",
        str(db),
        "--port",
        "0",
        "--max-rows",
        "10000000",
    ]
    if config is not None:
        args += ["--config", str(config)]
    if timeout is not None:
        args += ["--timeout", f"{timeout:g}"]
    with log.open("wb") as err:
        proc = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=err, env={**os.environ, "PYTHONPATH": str(ROOT)}
        )
    for _ in range(600):
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text("utf-8", "replace"))
        if m:
            return proc, f"http://127.0.0.1:{m.group(1)}", log
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit("the server did not start: " + log.read_text("utf-8", "replace"))


def fetch(url: str) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as resp:
            body = resp.read()
            status = resp.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return time.perf_counter() - t0, status, len(body)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=None, help="where the demo is made (default: a temp dir)")
    ap.add_argument("--db", type=Path, default=None, help="an existing warehouse instead of the demo")
    ap.add_argument("--config", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=None, help="the server's --timeout (seconds)")
    ap.add_argument("--only", default=None, help="only the pages whose name contains this")
    ns = ap.parse_args()
    db, config = ns.db, ns.config
    if db is None:
        root = ns.dir or Path(tempfile.mkdtemp(prefix="bench-serve-demo-"))
        sys.path.insert(0, str(ROOT))
        from llmcost.cli import main as cli

        if not (root / "warehouse.duckdb").exists():
            with open(os.devnull, "w") as null:
                stdout, sys.stdout = sys.stdout, null
                try:
                    assert cli(["demo", "--dir", str(root), "--color", "never"]) == 0
                finally:
                    sys.stdout = stdout
        db, config = root / "warehouse.duckdb", root / "llmcost.toml"
    since, until = _month(db, config)
    w = f"since={since}&until={until}"
    pages = [
        ("overview", f"/?{w}"),
        ("explorer by tenant", f"/explore?{w}"),
        ("explorer by feature, one tenant", f"/explore?by=feature&{w}&tenant=__first__"),
        ("explorer by day", f"/explore?by=day&{w}"),
        ("traces", f"/traces?{w}"),
        ("one trace (the costliest)", "/trace?id=__trace__"),
        ("unit economics", f"/unit?{w}"),
        ("budgets and margins", "/budgets"),
        ("data quality", "/quality"),
        ("reconciliation", "/reconcile"),
        ("API report by tenant", f"/api/report?by=tenant&{w}"),
        ("API report by tenant, CSV", f"/api/report?by=tenant&{w}&format=csv"),
    ]
    if ns.only:
        pages = [p for p in pages if ns.only in p[0]]
    proc, base, log = start(db, config, ns.timeout)
    try:
        import json

        with urllib.request.urlopen(f"{base}/api/report?by=tenant&top=1&{w}") as resp:
            first = json.loads(resp.read())["rows"][0]["tenant"]
        with urllib.request.urlopen(f"{base}/api/traces?top=1&{w}") as resp:
            costliest = (json.loads(resp.read())["top"] or [{"trace_id": "none"}])[0]["trace_id"]
        from urllib.parse import quote

        print(f"warehouse {db}  window {since} .. {until}  repeat {ns.repeat}")
        print(f"{'page':34} {'status':>6} {'bytes':>9} {'first s':>8} {'best s':>8} {'median s':>9}")
        for name, path in pages:
            url = base + path.replace("__first__", quote(first)).replace("__trace__", quote(costliest))
            first_load = fetch(url)[0]  # the first load (the overview computes its dashboards)
            runs = [fetch(url) for _ in range(ns.repeat)]  # repeats (the overview's from its cache)
            times = [r[0] for r in runs]
            print(
                f"{name:34} {runs[0][1]:>6} {runs[0][2]:>9,} {first_load:>8.3f} {min(times):>8.3f} "
                f"{statistics.median(times):>9.3f}"
            )
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
