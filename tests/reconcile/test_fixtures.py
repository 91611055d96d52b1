"""fixtures/invoices/ is what make_invoices.py builds (same bytes)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.reconcile.conftest import INVOICES


def test_invoice_fixtures_match_their_script(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_invoices", INVOICES / "make_invoices.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(tmp_path)
    built = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    committed = sorted(
        p.name for p in INVOICES.iterdir() if p.is_file() and p.name not in ("make_invoices.py", "README.md")
    )
    assert built == committed
    for name in built:
        assert (tmp_path / name).read_bytes() == (INVOICES / name).read_bytes(), name
