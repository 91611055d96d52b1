"""Importing invoices: every format read exactly (Decimal, cents), idempotent, malformed files
rejected whole with the file and row named."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from llmcost.errors import InputError
from llmcost.reconcile import parse_file
from tests.conftest import Cli
from tests.reconcile.conftest import INVOICES, invoice


def _invoice_rows(db: Path) -> tuple[int, Decimal]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT count(*), coalesce(sum(amount_usd), 0) FROM invoices").fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0]), Decimal(row[1])


@pytest.mark.parametrize(
    ("name", "fmt", "provider"),
    [
        ("openai_costs_2026-09.json", "openai-costs", "openai"),
        ("openai_costs_2026-09.csv", "openai-csv", "openai"),
        ("anthropic_cost_report_2026-09.json", "anthropic-cost-report", "anthropic"),
        ("focus_2026-09.csv", "focus", "Google"),
        ("plain_2026-09.csv", "plain", "cohere"),
    ],
)
def test_formats_are_detected(name: str, fmt: str, provider: str) -> None:
    parsed = parse_file(INVOICES / name)
    assert parsed.format == fmt
    assert parsed.lines and parsed.lines[0].provider == provider
    assert all(isinstance(ln.amount_usd, Decimal) for ln in parsed.lines)


def test_openai_line_items_split_model_and_token_type() -> None:
    lines = parse_file(INVOICES / "openai_costs_2026-09.json").lines
    first = lines[0]
    assert (first.model, first.token_type, first.line_item) == (
        "gpt-4.1-2025-04-14",
        "input",
        "gpt-4.1-2025-04-14, input",
    )
    assert {ln.token_type for ln in lines} == {"input", "output", "cache_read"}
    assert str(first.day) == "2026-09-14" and first.project == "proj_copilot"


def test_anthropic_amounts_are_cents(tmp_path: Path) -> None:
    page = {
        "data": [
            {
                "starting_at": "2026-09-01T00:00:00Z",
                "ending_at": "2026-09-02T00:00:00Z",
                "results": [
                    {"currency": "USD", "amount": "123.45", "cost_type": "tokens", "model": "claude-sonnet-4-20250514",
                     "token_type": "cache_creation.ephemeral_5m_input_tokens", "workspace_id": None},
                    {"currency": "USD", "amount": "7", "cost_type": "web_search", "model": None, "token_type": None},
                ],
            }
        ],
        "has_more": False,
    }  # fmt: skip
    f = tmp_path / "cost_report.json"
    f.write_text(json.dumps(page))
    a, b = parse_file(f).lines
    assert a.amount_usd == Decimal("1.2345") and a.token_type == "cache_write_5m"
    assert b.amount_usd == Decimal("0.07") and b.token_type == "other"


def test_import_is_idempotent(rcli: Cli) -> None:
    code, out, err = rcli("invoices", "import", invoice("openai_costs_2026-09.json"), "--json")
    assert code == 0, err
    first = json.loads(out)["files"][0]
    assert first["already_imported"] is False and first["lines"] == 37
    n, total = _invoice_rows(rcli.db)
    assert n == 37 and total == Decimal(first["amount_usd"])
    code, out, err = rcli("invoices", "import", invoice("openai_costs_2026-09.json"), "--json")
    assert code == 0, err
    assert json.loads(out)["files"][0]["already_imported"] is True
    # the same bytes under another name are the same file
    copy = rcli.db.parent / "renamed.json"
    copy.write_bytes(Path(invoice("openai_costs_2026-09.json")).read_bytes())
    code, out, err = rcli("reconcile", str(copy), "--format", "json", "--threshold", "50%")
    assert _invoice_rows(rcli.db) == (n, total)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "date,provider,model,amount_usd\n2026-09-01,openai,gpt-4o,1.5\n2026-09-02,openai,gpt-4o,abc\n",
            "row 3: amount_usd",
        ),
        (
            "date,provider,model,amount_usd\n2026-09-01,openai,gpt-4o,1.5\n2026-13-02,openai,gpt-4o,2\n",
            "row 3: date",
        ),
        ("date,provider,model,amount_usd\n2026-09-01,openai,gpt-4o\n", "row 2: 3 cells"),
        ("date,provider,model,amount_usd\n2026-09-01,openai,gpt-4o,NaN\n", "row 2: amount_usd"),
    ],
)
def test_malformed_plain_csv_names_file_and_row(rcli: Cli, text: str, where: str) -> None:
    bad = rcli.db.parent / "bad.csv"
    bad.write_text(text)
    code, _, err = rcli("invoices", "import", invoice("focus_2026-09.csv"), str(bad))
    assert code == 65
    assert str(bad) in err and where in err
    assert _invoice_rows(rcli.db) == (0, Decimal(0))  # the good file was not imported either


def test_malformed_json_names_the_result(tmp_path: Path) -> None:
    doc = json.loads(Path(invoice("openai_costs_2026-09.json")).read_text())
    doc[1]["data"][0]["results"][2]["amount"] = {"value": "x", "currency": "usd"}
    bad = tmp_path / "costs.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(
        InputError, match=r"costs\.json: openai-costs: page 2, bucket 1, result 3: amount.value"
    ):
        parse_file(bad)
    bad.write_text('{"data": [')
    with pytest.raises(InputError, match=r"line 1, column"):
        parse_file(bad, "openai-costs")


def test_unknown_format_and_non_usd(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="not a known invoice format"):
        parse_file(odd)
    eur = tmp_path / "eur.csv"
    eur.write_text(
        "BilledCost,BillingCurrency,ChargePeriodStart,ProviderName\n1.00,EUR,2026-09-01T00:00:00Z,OpenAI\n"
    )
    with pytest.raises(InputError, match="row 2: currency 'EUR'"):
        parse_file(eur)


def test_explicit_format(rcli: Cli) -> None:
    code, _, err = rcli("invoices", "import", invoice("plain_2026-09.csv"), "--invoice-format", "focus")
    assert code == 65 and "missing column" in err
