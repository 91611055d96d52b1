"""The pricing commands end to end: arguments, output, exit codes."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from llmcost import cli
from llmcost.warehouse import open_warehouse
from tests.pricing.rows import FIXTURES, request, store


@pytest.fixture(autouse=True)
def _only_pricing_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    # The pricing commands alone, so these tests do not depend on other command groups.
    def register() -> None:
        import llmcost.cli.pricing  # noqa: F401

    monkeypatch.setattr(cli, "_register", register)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, catalog) -> Path:
    path = tmp_path / "w.duckdb"
    with open_warehouse(path, write=True) as w:
        store(
            w,
            [
                request(
                    provider="anthropic",
                    model="claude-sonnet-4",
                    ts=datetime(2026, 2, 10, tzinfo=UTC),
                    input_tokens=4200,
                    output_tokens=380,
                    logged_cost_usd=Decimal("0.02"),
                ),
                request(
                    provider="anthropic",
                    model="claude-sonnet-4",
                    ts=datetime(2026, 8, 10, tzinfo=UTC),
                    input_tokens=4200,
                    output_tokens=380,
                ),
                request(
                    provider="acme", model="acme-llm-9", ts=datetime(2026, 8, 11, tzinfo=UTC), input_tokens=5
                ),
            ],
            catalog=catalog,
        )
    return path


@pytest.fixture
def team_config(tmp_path: Path) -> Path:
    for name in ("llmcost.toml", "rates.toml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path / "llmcost.toml"


def test_list_filters_and_json(capsys):
    code, out, _ = run(
        capsys, "pricing", "list", "--provider", "anthropic", "--model", "claude-sonnet-4", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    rows = {r["model"]: r for r in doc["prices"]}
    assert rows["claude-sonnet-4-0"]["input_mtok"] == "3"
    assert rows["claude-sonnet-4-0"]["cache_write_1h_mtok"] == "6"
    assert {r["provider"] for r in doc["prices"]} == {"anthropic"}
    assert doc["catalog"]["package"] == "genai-prices"


def test_list_table_shows_user_rates_first(capsys, team_config):
    code, out, _ = run(capsys, "pricing", "list", "--provider", "vllm", "--config", str(team_config))
    assert code == 0
    assert "llama-3.1-70b-" in out and "match=prefix" in out
    assert "discount anthropic-commit-2026: 12% off from 2026-07-01" in out
    assert "3 user rates and 1 discount" in out


def test_show_a_tiered_model(capsys):
    code, out, _ = run(
        capsys, "pricing", "show", "gemini-2.5-pro", "--provider", "google", "--at", "2026-05-01"
    )
    assert code == 0
    assert "google/gemini-2.5-pro" in out
    assert "<= 200,000" in out and "> 200,000" in out


def test_show_with_discount_json(capsys, team_config):
    code, out, _ = run(
        capsys,
        "pricing",
        "show",
        "claude-sonnet-4",
        "--at",
        "2026-07-01",
        "--json",
        "--config",
        str(team_config),
    )
    assert code == 0
    [price] = json.loads(out)["prices"]
    assert price["discount_percent"] == "12"
    assert "less 12% (anthropic-commit-2026)" in price["price_ref"]


def test_show_unknown_model_is_a_usage_error(capsys):
    code, _, err = run(capsys, "pricing", "show", "acme-llm-9")
    assert code == 2
    assert "no price for 'acme-llm-9'" in err


def test_bad_date_is_a_usage_error(capsys, db):
    code, _, err = run(capsys, "pricing", "check", "--db", str(db), "--since", "last tuesday")
    assert code == 2 and "--since" in err


def test_check_lists_unpriced_and_strict_exits_1(capsys, db):
    code, out, _ = run(capsys, "pricing", "check", "--db", str(db))
    assert code == 0
    assert "Unpriced: 1 requests of 1 model(s)" in out and "acme-llm-9" in out
    assert "claude-sonnet-4" in out and "+$0.0017" in out  # logged 0.02 vs derived 0.0183
    code, _, err = run(capsys, "pricing", "check", "--db", str(db), "--strict")
    assert code == 1 and "1 request(s) of 1 model(s) are unpriced" in err


def test_check_json(capsys, db):
    code, out, _ = run(capsys, "pricing", "check", "--db", str(db), "--json")
    doc = json.loads(out)
    assert code == 0 and doc["unpriced_requests"] == 1 and doc["drift"][0]["delta_usd"] == "0.001700000"


def test_reprice_dry_run_then_real(capsys, db, team_config):
    code, out, _ = run(capsys, "reprice", "--dry-run", "--db", str(db), "--config", str(team_config))
    assert code == 0
    assert "dry run: nothing written" in out
    assert "2026-08" in out and "-$0.0022" in out  # 12% off from July: 0.0183 -> 0.016104
    # closed_before = 2026-04-01 in the fixture: February stays as booked
    assert "1 requests before 2026-04-01 left as booked" in out
    with open_warehouse(db, write=False) as r:
        assert r.con.execute("SELECT sum(cost_usd) FROM requests").fetchone() == (Decimal("0.0366"),)
    code, out, _ = run(capsys, "reprice", "--db", str(db), "--config", str(team_config), "--json")
    doc = json.loads(out)
    assert code == 0 and doc["changed"] == 1 and doc["skipped_closed"] == 1
    with open_warehouse(db, write=False) as r:
        assert r.con.execute("SELECT sum(cost_usd) FROM requests").fetchone() == (Decimal("0.034404"),)
    code, out, _ = run(
        capsys, "reprice", "--restate", "--db", str(db), "--config", str(team_config), "--json"
    )
    assert json.loads(out)["changed"] == 0  # February is before the discount: nothing to restate


def test_whatif(capsys, db):
    code, out, _ = run(
        capsys,
        "pricing",
        "whatif",
        "--model",
        "gpt-4.1-mini",
        "--from-model",
        "claude-sonnet-4",
        "--db",
        str(db),
    )
    assert code == 0
    assert "$0.0366" in out and "$0.0046" in out  # 2 x 0.002288
    code, out, _ = run(
        capsys, "pricing", "whatif", "--model", "gpt-4.1-mini", "--cost", "logged", "--db", str(db), "--json"
    )
    doc = json.loads(out)
    assert doc["cost_mode"] == "logged" and doc["actual_cost_usd"] == "0.020000000"


def test_reports_no_warehouse_yet(capsys, tmp_path):
    code, _, err = run(capsys, "pricing", "check", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "no warehouse" in err
