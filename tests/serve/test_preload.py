"""`llmcost serve` imports, before its first request, every module its endpoints import lazily:
two worker threads importing a package for the first time at once can meet it half initialised
(`ImportError: ... partially initialized module`), which a client saw as a 500
(test_serve_beside_watch caught it, now and then)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import llmcost.report.serve as serve_package

ROOT = Path(__file__).resolve().parents[2]


def lazy_imports() -> set[str]:
    """The llmcost modules the serve package imports inside functions (not at module level)."""
    found: set[str] = set()
    for source in Path(serve_package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.col_offset > 0
                and (node.module or "").startswith("llmcost")
            ):
                found.add(str(node.module))
    return found


def test_preload_imports_every_module_the_endpoints_import_lazily() -> None:
    wanted = sorted(lazy_imports())
    assert "llmcost.queries.spend" in wanted and len(wanted) > 15  # the scan found the endpoints' imports
    probe = (
        "import sys\nfrom llmcost.report.serve import preload\npreload()\n"
        f"print(','.join(m for m in {wanted!r} if m not in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"not imported before the first request: {proc.stdout.strip()}"
