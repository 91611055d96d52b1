"""Bounded memory: peak RSS of the real CLI at two input sizes 10x apart.

    .venv/bin/python benchmarks/bench_memory.py [--lines 10000000] [--requests 10000000]
        [--only ingest|report] [--repeat 1] [--keep]

Each measurement is a fresh child process running the real command line (`python -m llmcost ...`);
its peak resident set size is the kernel's own figure (`ru_maxrss` from wait4), and /proc/<pid>/status
is polled every 0.2 s for the trajectory (RSS at 25/50/75/100% of the run), which shows whether
memory warms up and stays flat or keeps climbing with the input. Set-up work (generating logs,
building warehouses) runs in separate processes: a forked child's ru_maxrss starts at its parent's
RSS, which once made a 110 MiB report look like 200-250 MiB.

- ingest: `llmcost ingest app.log --db fresh.duckdb --quiet` on generated logs of --lines and
  --lines/10 lines (cached under benchmarks/data/, as bench_ingest.py makes them);
- report: `llmcost report --by tenant` and `llmcost report --format html -o x.html` on warehouses of
  --requests and --requests/10 requests (+ 0.7x outcome events), built as bench_report.py builds
  them (Parquet segments of 1M rows registered through the warehouse API; cached under
  benchmarks/data/ with --keep).

Target (issue 9): peak RSS grows < 20% for 10x the input. Memory, unlike time, is not much
disturbed by other processes on the machine; the load average is printed anyway.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_ingest import DATA, log_file

PY = sys.executable


@dataclass
class Run:
    wall: float
    peak_kib: int  # ru_maxrss of the child
    samples: list[tuple[float, int]] = field(default_factory=list)  # (seconds, VmRSS KiB)

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024

    def trajectory(self) -> str:
        """Highest RSS seen by 25/50/75/100% of the wall time, MiB."""
        if not self.samples:
            return "-"
        out = []
        for q in (0.25, 0.5, 0.75, 1.0):
            upto = [kib for t, kib in self.samples if t <= q * self.wall]
            out.append(f"{max(upto) / 1024:.0f}" if upto else "-")
        return "/".join(out)


def _rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def in_child(code: str) -> None:
    """Run set-up work (generating logs, building warehouses) in its own process: a forked child's
    ru_maxrss starts from its parent's RSS, so this process must stay small."""
    here = Path(__file__).resolve().parent
    subprocess.run(
        [PY, "-c", f"import sys; sys.path[:0] = [{str(here)!r}, {str(here.parent)!r}]; {code}"], check=True
    )


def run(argv: list[str], env: dict[str, str]) -> Run:
    """Run one child to completion: wall seconds, kernel peak RSS, sampled RSS over time."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            kib = _rss_kib(proc.pid)
            if kib:
                samples.append((time.perf_counter() - t0, kib))
            done.wait(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    poller.join()
    wall = time.perf_counter() - t0
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{err[-2000:]}")
    return Run(wall, usage.ru_maxrss, samples)


def growth(small: Run, big: Run) -> str:
    return f"{100 * (big.peak_kib / small.peak_kib - 1):+.0f}%"


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["LLMCOST_HOME"] = str(home)
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "100"
    env.pop("LLMCOST_DB", None)
    return env


def bench_ingest(lines: int, repeat: int) -> list[tuple[str, int, Run]]:
    rows = []
    for n in (lines // 10, lines):
        in_child(f"from bench_ingest import log_file; log_file({n})")
        app = log_file(n)  # cached now: nothing imported or generated here
        size = app.stat().st_size
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(dir=DATA) as tmp:
                db = Path(tmp) / "w.duckdb"
                argv = [PY, "-m", "llmcost", "ingest", str(app), "--db", str(db), "--quiet"]
                r = run(argv, _env(Path(tmp)))
            print(
                f"  ingest {n:>11,} lines ({size / 1e9:.2f} GB): peak {r.peak_mib:6.0f} MiB, "
                f"{r.wall:6.1f} s, RSS by 25/50/75/100% of the run: {r.trajectory()} MiB",
                flush=True,
            )
            rows.append(("ingest", n, r))
    return rows


def warehouse(requests: int) -> Path:
    """A warehouse of `requests` requests and 0.7x outcome events (bench_report.py's data)."""
    events = int(requests * 0.7)
    out = DATA / f"report-{requests}"
    db = out / "bench.duckdb"
    if not db.exists():
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        t0 = time.perf_counter()
        in_child(
            f"from pathlib import Path; from bench_report import build; build(Path({str(db)!r}), {requests}, {events}, 1_000_000)"
        )
        print(f"  built {db} in {time.perf_counter() - t0:.0f} s", flush=True)
    return db


def bench_report(requests: int, repeat: int, keep: bool) -> list[tuple[str, int, Run]]:
    rows = []
    built = []
    for n in (requests // 10, requests):
        db = warehouse(n)
        built.append(db.parent)
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(dir=DATA) as tmp:
                cases = {
                    "report --by tenant": ["report", "--by", "tenant"],
                    "report --format html": ["report", "--format", "html", "-o", str(Path(tmp) / "r.html")],
                }
                for name, args in cases.items():
                    argv = [PY, "-m", "llmcost", *args, "--db", str(db)]
                    r = run(argv, _env(Path(tmp)))
                    print(
                        f"  {name:<22} {n:>11,} requests: peak {r.peak_mib:6.0f} MiB, {r.wall:5.1f} s",
                        flush=True,
                    )
                    rows.append((name, n, r))
    if not keep:
        for d in built:
            shutil.rmtree(d, ignore_errors=True)
    return rows


def summary(rows: list[tuple[str, int, Run]]) -> None:
    print("\n| command | size | peak RSS MiB (runs) | wall s | growth for 10x (target < 20%) |")
    print("|---|---:|---:|---:|---:|")
    by: dict[str, dict[int, list[Run]]] = {}
    for name, n, r in rows:
        by.setdefault(name, {}).setdefault(n, []).append(r)
    for name, sizes in by.items():
        small_n, big_n = sorted(sizes)
        small = max(sizes[small_n], key=lambda r: r.peak_kib)
        big = max(sizes[big_n], key=lambda r: r.peak_kib)
        for n in (small_n, big_n):
            runs = sizes[n]
            peaks = ", ".join(f"{r.peak_mib:.0f}" for r in runs)
            walls = ", ".join(f"{r.wall:.1f}" for r in runs)
            g = growth(small, big) if n == big_n else ""
            print(f"| {name} | {n:,} | {peaks} | {walls} | {g} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--lines", type=int, default=10_000_000, help="larger ingest input (smaller: /10)")
    ap.add_argument("--requests", type=int, default=10_000_000, help="larger warehouse (smaller: /10)")
    ap.add_argument("--only", choices=("ingest", "report"), default=None)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the built report warehouses for next time")
    args = ap.parse_args()
    DATA.mkdir(exist_ok=True)
    load0 = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, {os.cpu_count()} CPUs, "
          f"load {load0[0]:.1f} {load0[1]:.1f} {load0[2]:.1f}", flush=True)  # fmt: skip
    rows: list[tuple[str, int, Run]] = []
    if args.only in (None, "ingest"):
        rows += bench_ingest(args.lines, args.repeat)
    if args.only in (None, "report"):
        rows += bench_report(args.requests, args.repeat, args.keep)
    summary(rows)
    load1 = os.getloadavg()
    print(f"\nload average at the end: {load1[0]:.1f} {load1[1]:.1f} {load1[2]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
