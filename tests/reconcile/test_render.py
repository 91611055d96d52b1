"""Output formats: CSV lines with a total, Markdown escaped, terminal table; usage errors."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from tests.conftest import Cli
from tests.reconcile.conftest import invoice


def test_csv_has_a_line_per_comparison_and_a_total(rcli: Cli) -> None:
    code, out, err = rcli("reconcile", invoice("anthropic_cost_report_2026-09.json"), "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    total = rows[-1]
    assert total["row"] == "total"
    body = rows[:-1]
    assert sum(Decimal(r["billed_usd"]) for r in body) == Decimal(total["billed_usd"])
    assert {r["token_type"] for r in body} >= {"input", "output", "cache_write_1h", "cache_write_5m"}
    assert any(r["row"] == "over" for r in body)


def test_markdown_and_table(rcli: Cli) -> None:
    code, out, err = rcli("reconcile", invoice("anthropic_cost_report_2026-09.json"), "--format", "md")
    assert code == 0, err
    assert out.startswith("## Reconciliation 2026-09")
    assert "cache-token accounting" in out
    code, out, err = rcli("reconcile", "--month", "2026-09")
    assert code == 0, err
    assert "explanations" in out and "cache-token accounting" in out


def test_usage_errors(rcli: Cli) -> None:
    assert rcli("reconcile", "--format", "xml")[0] == 2
    assert rcli("reconcile", "--threshold", "lots")[0] == 2
    code, _, err = rcli("reconcile", "--month", "2026-09")
    assert code == 2 and "no invoice lines" in err
    code, _, err = rcli("reconcile", invoice("focus_2026-09.csv"), "--month", "2026-10")
    assert code == 2 and "no invoice lines for 2026-10" in err


def test_two_exports_of_the_same_period_are_flagged(rcli: Cli) -> None:
    for name in ("openai_costs_2026-09.json", "openai_costs_2026-09.csv"):
        assert rcli("invoices", "import", invoice(name))[0] == 0
    code, out, _ = rcli("reconcile", "--month", "2026-09", "--format", "json")
    assert code == 1
    assert any("counted twice" in n for n in json.loads(out)["notes"])
    # naming one file reconciles that file only
    code, out, err = rcli("reconcile", invoice("openai_costs_2026-09.csv"), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["notes"] == []


def test_reconcile_imports_light() -> None:
    import subprocess
    import sys
    from pathlib import Path

    import llmcost

    code = "import sys, llmcost.reconcile, llmcost.report.reconcile; print(' '.join(sys.modules))"
    root = Path(llmcost.__file__).resolve().parents[1]  # this checkout's llmcost, not an installed one
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=root
    ).stdout
    assert not {m.split(".")[0] for m in out.split()} & {"typer", "rich", "duckdb", "polars", "jinja2"}


def test_threshold_from_config(rcli: Cli, tmp_path: Path) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text('[reconcile]\nthreshold = "0.1%"\n')
    code, _, err = rcli("reconcile", invoice("anthropic_cost_report_2026-09.json"), "--config", str(cfg))
    assert code == 1 and "over 0.1%" in err
    cfg.write_text("[reconcile]\nthreshhold = 1\n")
    assert rcli("reconcile", "--config", str(cfg))[0] == 2


def test_provider_filter_and_output_file(rcli: Cli, tmp_path: Path) -> None:
    for name in ("anthropic_cost_report_2026-09.json", "focus_2026-09.csv"):
        assert rcli("invoices", "import", invoice(name))[0] == 0
    target = tmp_path / "rec.json"
    code, out, err = rcli("reconcile", "--provider", "Google", "--format", "json", "--output", str(target))
    assert code == 0, err
    assert out == ""
    doc = json.loads(target.read_text())
    assert [p["provider"] for p in doc["providers"]] == ["google"]
