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
    assert "claude-sonnet-4" in out and "+$0.001700" in out  # logged 0.02 vs derived 0.0183
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
    assert "2026-08" in out and "-$0.002196" in out  # 12% off from July: 0.0183 -> 0.016104
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
    assert "$0.03660" in out and "$0.004576" in out  # 2 x 0.0183, 2 x 0.002288
    code, out, _ = run(
        capsys, "pricing", "whatif", "--model", "gpt-4.1-mini", "--cost", "logged", "--db", str(db), "--json"
    )
    doc = json.loads(out)
    assert doc["cost_mode"] == "logged" and doc["actual_cost_usd"] == "0.020000000"


def test_reports_no_warehouse_yet(capsys, tmp_path):
    code, _, err = run(capsys, "pricing", "check", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "no warehouse" in err


def test_show_a_bedrock_profile_id_at_80_columns(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    name = "us.anthropic.claude-sonnet-4-20250514-v1:0"
    code, out, _ = run(capsys, "pricing", "show", name, "--at", "2026-05-01")
    assert code == 0
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
    text = " ".join(out.split())
    assert "catalog entry: aws/regional.anthropic.claude-sonnet-4-20250514-v1:0" in text
    assert (
        "provider aws inferred from the model name's form: us.anthropic.… is an AWS Bedrock "
        "cross-region inference profile id" in text
    )
    # every rate whole in its column: input, cache read, 5-minute and 1-hour writes, output
    assert "1 00:00-24:00 all 3 0.3 3.75 3.75 15" in text
    assert "1-hour cache writes: the catalog's cache-write price (aws lists no 1-hour price)" in text
    assert (
        "#1 price_ref: aws/regional.anthropic.claude-sonnet-4-20250514-v1:0 provider from Bedrock profile id"
        in text
    )


def test_show_json_says_how_the_provider_was_chosen_and_the_1h_rule(capsys):
    code, out, _ = run(
        capsys, "pricing", "show", "anthropic/claude-sonnet-4.5", "--at", "2026-05-01", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["catalog_match"] == "openrouter/anthropic/claude-sonnet-4.5"
    assert doc["provider_inferred"].startswith("provider openrouter inferred from the model name's form")
    assert {p["cache_write_1h_basis"] for p in doc["prices"]} == {
        "the catalog's cache-write price (openrouter lists no 1-hour price)"
    }
    code, out, _ = run(capsys, "pricing", "show", "claude-sonnet-4", "--provider", "anthropic", "--json")
    doc = json.loads(out)
    assert doc["provider_inferred"] is None and doc["provider_basis"] == "provider anthropic, as logged"
    assert doc["prices"][0]["cache_write_1h_basis"] == "the catalog's 1-hour cache-write price"


def test_check_names_the_providers_read_from_model_names(capsys, tmp_path, catalog):
    path = tmp_path / "w.duckdb"
    with open_warehouse(path, write=True) as w:
        store(
            w,
            [
                request(model="global.anthropic.claude-sonnet-4-5-20250929-v1:0", input_tokens=10),
                request(model="openai/gpt-4o-mini", input_tokens=10),
                request(model="openai/gpt-4o-mini", input_tokens=10),
                request(provider="openai", model="gpt-4o-mini", input_tokens=10),
            ],
            catalog=catalog,
        )
    code, out, _ = run(capsys, "pricing", "check", "--db", str(path))
    assert code == 0
    text = " ".join(out.split())
    assert "Provider read from the model name" in text
    assert "openai/gpt-4o-mini 2 openrouter/openai/gpt-4o-mini router name" in text
    assert "aws/global.anthropic.claude-sonnet-4-5-20250929-v1:0 Bedrock profile id" in text
    code, out, _ = run(capsys, "pricing", "check", "--db", str(path), "--json")
    inferred = json.loads(out)["inferred_providers"]
    assert [(i["model"], i["requests"], i["catalog_entry"]) for i in inferred] == [
        ("openai/gpt-4o-mini", 2, "openrouter/openai/gpt-4o-mini"),
        (
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            1,
            "aws/global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        ),
    ]
