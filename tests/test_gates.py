"""The house rules, run as part of the suite so `.ci/run` (the README's test command) gates on them.

- ruff: lint (pyflakes, pycodestyle, import sorting, bugbear, pyupgrade, simplify, ruff's own rules)
  and the formatter's check, over the package, the tests, the benchmarks and the fixture makers;
- mypy: the settings in pyproject.toml (strict for warehouse, pricing, queries and ingest);
- import-linter: the contracts in pyproject.toml (the layers of docs/architecture.md, and the core
  importing no typer/rich/jinja2);
- every top-level module of llmcost sits in a layer of the contract (a new one must be placed);
- `import llmcost` and `llmcost --help` load none of the heavy libraries.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHECKED = ["llmcost", "tests", "benchmarks", "fixtures"]
HEAVY = ("numpy", "pyarrow", "polars", "genai_prices", "jinja2", "duckdb")


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_ruff_lint() -> None:
    proc = _run(sys.executable, "-m", "ruff", "check", "--no-cache", *CHECKED)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]


def test_ruff_format() -> None:
    proc = _run(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", *CHECKED)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]


def test_mypy() -> None:
    proc = _run(sys.executable, "-m", "mypy", "--no-incremental")
    assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-2000:]


def test_import_contracts() -> None:
    proc = _run(str(BIN / "lint-imports"), "--no-cache")
    assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-2000:]


def test_every_top_level_module_has_a_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}
    package = ROOT / "llmcost"
    modules = {p.stem for p in package.glob("*.py") if p.stem not in {"__init__", "__main__"}}
    modules |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    assert modules - placed == set(), "place these in the layers contract (pyproject.toml)"


@pytest.mark.parametrize(
    ("code", "heavy"),
    [
        ("import llmcost", (*HEAVY, "pydantic", "typer", "rich")),
        ("from llmcost.cli import main; main(['--help'])", (*HEAVY, "pydantic", "rich")),
        # a command's own help builds its options; a plain value needs no pydantic (llmcost.cli.coercion)
        *[
            (f"from llmcost.cli import main; main([{c!r}, '--help'])", (*HEAVY, "pydantic", "rich"))
            for c in ("report", "pricing", "ingest")
        ],
    ],
)
def test_startup_imports_nothing_heavy(code: str, heavy: tuple[str, ...]) -> None:
    probe = f"{code}\nimport sys\nprint('HEAVY:' + ','.join(m for m in {heavy!r} if m in sys.modules))"
    proc = _run(sys.executable, "-c", probe)
    assert proc.returncode == 0, proc.stderr
    loaded = proc.stdout.rsplit("HEAVY:", 1)[1].strip()
    assert loaded == "", f"{code!r} imported {loaded}"


# What a read-only JSON report may not load (issue 16): the price catalog's machinery and
# genai-prices, the dataframe libraries, jinja2, rich (it draws nothing), and with no config file
# pydantic (the config models: cli.common.resolve_light).
REPORT_HEAVY = (
    "numpy",
    "pyarrow",
    "polars",
    "genai_prices",
    "jinja2",
    "rich",
    "llmcost.pricing.catalog",
    "pydantic",
)


def _loaded_by_json_run(tmp_path: Path, argv: list[str], watched: tuple[str, ...], cwd: Path) -> str:
    """Run `llmcost ARGV --format json` on an empty warehouse in a fresh process, with no config
    file in reach; return which of `watched` it imported (comma-separated, empty for none)."""
    from llmcost.warehouse import writer

    db = tmp_path / "w.duckdb"
    with writer(db, command="test"):
        pass
    probe = (
        "import sys\nfrom llmcost.cli import main\n"
        f"code = main({[*argv, '--format', 'json', '--db', str(db)]!r})\n"
        f"print('LOADED:' + ','.join(m for m in {watched!r} if m in sys.modules))\n"
        "sys.exit(code)"
    )
    env = {**os.environ, "LLMCOST_HOME": str(tmp_path), "NO_COLOR": "1"}
    env.pop("LLMCOST_CONFIG", None)
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.rsplit("LOADED:", 1)[1].strip()


@pytest.mark.parametrize(
    "argv", [["report", "--by", "tenant"], ["unit", "--event", "done", "--by", "tenant"]]
)
def test_json_report_loads_no_catalog_and_no_renderer(tmp_path: Path, argv: list[str]) -> None:
    loaded = _loaded_by_json_run(tmp_path, argv, REPORT_HEAVY, cwd=ROOT)
    assert loaded == "", f"llmcost {' '.join(argv)} --format json imported {loaded}"


# What a JSON report leaves unloaded since issue 16's start-up work (each import was measurable in a
# 1M-request `report --by tenant --format json` against a bare DuckDB process): the named views'
# commands and queries, the other renderers and the footer facts, the snapshot machinery (only a
# reader that falls back to the snapshot needs it), tomllib (only beside a pyproject.toml).
REPORT_LAZY = (
    "llmcost.cli.views",
    "llmcost.queries.views",
    "llmcost.report.csvfmt",
    "llmcost.report.markdown",
    "llmcost.report.facts",
    "llmcost.report.terminal",
    "llmcost.warehouse.snapshot",
    "tomllib",
)


@pytest.mark.parametrize(
    "argv",
    [["report", "--by", "tenant"], ["unit", "--event", "done", "--by", "tenant"], ["traces"]],
)
def test_json_report_loads_only_what_it_uses(tmp_path: Path, argv: list[str]) -> None:
    # from a folder with no pyproject.toml and no llmcost.toml
    loaded = _loaded_by_json_run(tmp_path, argv, REPORT_LAZY, cwd=tmp_path)
    assert loaded == "", f"llmcost {' '.join(argv)} --format json imported {loaded}"
