"""Start-up: how long `llmcost --help` (and a subcommand's --help) takes, against baselines measured
in the same run.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 5]

Each command runs --repeat times in a fresh interpreter; the median wall time is printed with its
ratio to `python -c "import duckdb"` (the engine every real command needs) and the bare
interpreter. The package's bytecode is compiled first (a wheel install compiles it; this machine
sets PYTHONDONTWRITEBYTECODE, which would otherwise time the compiler), and the modules each
command imported are checked for the heavy libraries it must not load.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "pyarrow", "polars", "genai_prices", "jinja2", "duckdb", "pydantic", "rich")

CASES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import duckdb'": [sys.executable, "-c", "import duckdb"],
    "python -c 'import typer'": [sys.executable, "-c", "import typer"],
    "llmcost --help": [sys.executable, "-m", "llmcost", "--help"],
    "llmcost report --help": [sys.executable, "-m", "llmcost", "report", "--help"],
    "llmcost pricing --help": [sys.executable, "-m", "llmcost", "pricing", "--help"],
}


def _median(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _heavy_loaded(args: list[str]) -> list[str]:
    probe = (
        "import sys\nfrom llmcost.cli import main\n"
        f"main({args!r})\nprint('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return [m for m in out.stdout.rsplit("HEAVY:", 1)[1].strip().split(",") if m]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "llmcost", quiet=1)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    for argv in CASES.values():  # warm the page cache once
        subprocess.run(argv, cwd=ROOT, capture_output=True, check=True)
    results = {name: _median(argv, args.repeat) for name, argv in CASES.items()}
    duck, bare = results["python -c 'import duckdb'"], results["python -c pass"]
    print(f"{'command':<28} {'median s':>9} {'vs import duckdb':>17} {'vs python':>10}")
    for name, secs in results.items():
        print(f"{name:<28} {secs:>9.3f} {secs / duck:>16.2f}x {secs / bare:>9.1f}x")
    for argv in (["--help"], ["report", "--help"], ["pricing", "--help"]):
        heavy = _heavy_loaded(argv)
        print(f"llmcost {' '.join(argv)} loads: {', '.join(heavy) or 'none of ' + '/'.join(HEAVY)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
