"""The core knows nothing of the terminal: queries import neither typer nor rich, renderers no typer,
and none of them pulls in DuckDB, polars or pandas just by being imported (CLI start-up)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    root = Path(__file__).resolve().parents[2]  # the tree under test, not an installed llmcost
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=root
    ).stdout
    return {name.split(".")[0] for name in out.split()}


def test_queries_and_renderers_import_light() -> None:
    queries = imported_after("import llmcost.queries, llmcost.queries.views, llmcost.queries.export")
    assert not queries & {"typer", "rich", "duckdb", "polars", "pandas", "pyarrow", "jinja2"}
    report = imported_after("import llmcost.report")
    assert not report & {"typer", "rich", "duckdb", "polars", "pandas", "jinja2"}


def test_the_report_commands_register_without_heavy_imports() -> None:
    cli = imported_after("from llmcost.cli import load_all; load_all()")
    assert not cli & {"duckdb", "polars", "pandas", "pyarrow"}


def _imports(package: str) -> set[tuple[str, str]]:
    """(file, module) for every import anywhere in a package's source, inside functions too."""
    import ast
    from pathlib import Path

    import llmcost

    root = Path(llmcost.__file__).parent / package
    found = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {(path.name, node.module)} | {
                    (path.name, f"{node.module}.{a.name}") for a in node.names
                }
            elif isinstance(node, ast.Import):
                found |= {(path.name, a.name) for a in node.names}
    return found


def test_features_render_nothing() -> None:
    """Only llmcost.report renders: the features below it never import it, not even in a function."""
    for package in ("alerts", "reconcile", "ingest", "synth", "queries", "pricing", "warehouse"):
        upward = {(f, m) for f, m in _imports(package) if m.startswith(("llmcost.report", "llmcost.cli"))}
        assert not upward, f"llmcost.{package} imports a layer above it: {sorted(upward)}"
