"""The [pricing] section and rates files: validation, file-relative paths, matching, cost modes."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from llmcost.config import load_config
from llmcost.config.pricing import Rate
from llmcost.errors import ConfigError
from llmcost.pricing import cost_sql, load_catalog, unpriced_sql
from tests.pricing.rows import FIXTURES, request


@pytest.fixture
def setup(tmp_path: Path) -> Path:
    """The fixture config and its rates file, copied where a team would keep them."""
    d = tmp_path / "team"
    d.mkdir()
    for name in ("llmcost.toml", "rates.toml", "bad_rates.toml"):
        shutil.copy(FIXTURES / name, d / name)
    return d


def test_fixture_config_loads_with_its_rates_file(setup: Path):
    cfg = load_config(setup / "llmcost.toml")
    assert cfg.pricing.cost_mode == "auto"
    assert str(cfg.pricing.closed_before) == "2026-04-01"
    cat = load_catalog(cfg)  # rates_file resolves next to llmcost.toml, not the cwd
    assert cat.info.user_rates == 3 and cat.info.discounts == 1
    assert cat.info.rates_source == "llmcost.toml, rates.toml"
    assert "3 user rates and 1 discount from llmcost.toml, rates.toml" in cat.info.describe()


def test_rates_from_the_fixture_price_as_documented(setup: Path, priced):
    cat = load_catalog(load_config(setup / "llmcost.toml"))
    rows = [
        # the Q2 contract, matched by regex, dated snapshot name included
        request(
            provider="openai",
            model="gpt-4.1-mini-2025-04-14",
            ts=datetime(2026, 5, 1, tzinfo=UTC),
            input_tokens=1_000_000,
            cached_input_tokens=500_000,
            output_tokens=1_000_000,
        ),
        # after the contract: back to the catalog
        request(
            provider="openai",
            model="gpt-4.1-mini",
            ts=datetime(2026, 7, 1, tzinfo=UTC),
            input_tokens=1_000_000,
        ),
        # the fine-tune has no provider in the file: any provider (or none) matches
        request(
            model="ft:support-bot-v3",
            input_tokens=10_000,
            cache_write_tokens=10_000,
            cache_write_1h_tokens=5_000,
        ),
    ]
    got = priced(rows, cat)
    assert got[0][1] == Decimal("1.48")  # 500k x 0.32 + 500k x 0.08 + 1M x 1.28
    assert 'rate "openai-q2-contract" (rates.toml)' in got[0][2]
    assert got[1][1] == Decimal("0.4")
    assert got[2][1] == Decimal("0.015125")  # 5k x 1.125 + 5k x 1.8, per 1M, + 0.0005


def test_bad_rates_file_names_the_file_and_the_key(setup: Path):
    text = (setup / "llmcost.toml").read_text().replace('"rates.toml"', '"bad_rates.toml"')
    (setup / "llmcost.toml").write_text(text)
    with pytest.raises(ConfigError) as e:
        load_catalog(load_config(setup / "llmcost.toml"))
    msg = str(e.value)
    assert str(setup / "bad_rates.toml") in msg
    assert "bad_rates.toml:4: [[rates]] #1 input:" in msg and "greater than or equal to 0" in msg


def test_missing_rates_file(setup: Path):
    (setup / "rates.toml").unlink()
    with pytest.raises(ConfigError, match=r"rates\.toml: rates file not found"):
        load_catalog(load_config(setup / "llmcost.toml"))


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ('model = "x"\ninput = 1', ":1: [[pricing.rates]] #1 missing key 'output'"),
        (
            'model = "x"\ninput = 1\noutput = 1\nouput = 2',
            ":5: unknown key 'ouput' in [[pricing.rates]] #1; did you mean 'output'?",
        ),
        (
            'model = "("\nmatch = "regex"\ninput = 1\noutput = 1',
            ":2: [[pricing.rates]] #1 model: not a valid",
        ),
        (
            'model = "x"\nmatch = "glob"\ninput = 1\noutput = 1',
            ":3: [[pricing.rates]] #1 match: expected one of 'exact', 'prefix' or 'regex', got 'glob'",
        ),
        (
            'model = "x"\ninput = 1\noutput = 1\neffective_from = 2026-02-01\neffective_until = 2026-01-01',
            ":6: [[pricing.rates]] #1 effective_until: must be after",
        ),
        ('model = "x"\ninput = 0.1234567890123\noutput = 1', ":3: [[pricing.rates]] #1 input:"),
    ],
)
def test_bad_inline_rate_names_the_file_line_and_key(tmp_path: Path, entry: str, said: str):
    path = tmp_path / "llmcost.toml"
    path.write_text(f"[[pricing.rates]]\n{entry}\n")
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert f"{path}{said}" in str(e.value)


def test_bad_cost_mode_and_discount(tmp_path: Path):
    path = tmp_path / "llmcost.toml"
    path.write_text(
        '[pricing]\ncost_mode = "estimated"\n[[pricing.discounts]]\nprovider = "anthropic"\npercent = 120\n'
    )
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert f"{path}:2: [pricing] cost_mode: expected one of" in str(e.value)
    assert f"{path}:5: [[pricing.discounts]] #1 percent:" in str(e.value)


def test_model_match_kinds():
    exact = Rate(model="GPT-4.1-mini", input=Decimal(1), output=Decimal(1))
    prefix = Rate(model="llama-3", match="prefix", input=Decimal(1), output=Decimal(1))
    regex = Rate(model=r"gpt-4\.1(-mini)?", match="regex", input=Decimal(1), output=Decimal(1))
    assert exact.model_matches("gpt-4.1-mini") and not exact.model_matches("gpt-4.1-mini-2025-04-14")
    assert prefix.model_matches("Llama-3.1-70B") and not prefix.model_matches("my-llama-3")
    assert regex.model_matches("gpt-4.1-mini") and not regex.model_matches("gpt-4.1-nano")  # whole name


def test_cost_sql_modes():
    assert cost_sql("derived") == "cost_usd"
    assert cost_sql("logged") == "logged_cost_usd"
    assert cost_sql("auto") == "coalesce(logged_cost_usd, cost_usd)"
    assert cost_sql("auto", "r") == "coalesce(r.logged_cost_usd, r.cost_usd)"
    assert unpriced_sql("derived", "r") == "(r.cost_usd) IS NULL"
    with pytest.raises(ValueError):
        cost_sql("estimated")
    with pytest.raises(ValueError):
        cost_sql("derived", "r; DROP TABLE requests")


def test_catalog_info_for_report_footers(catalog):
    from importlib.metadata import version

    info = catalog.info
    assert info.version == version("genai-prices")
    assert info.snapshot_date is not None
    assert info.describe() == f"prices: genai-prices {info.version} @{info.snapshot_date.isoformat()}"
    assert info.as_dict()["package"] == "genai-prices"


def test_catalog_never_uses_the_online_updater(monkeypatch: pytest.MonkeyPatch, catalog, priced):
    import genai_prices.update_prices as up

    def refuse(*a: object, **k: object) -> None:
        raise AssertionError("the online price updater must never run")

    monkeypatch.setattr(up.UpdatePrices, "__init__", refuse)
    monkeypatch.setattr(up.UpdatePrices, "start", refuse, raising=False)
    [(_, cost, _)] = priced(
        [request(model="claude-sonnet-4", input_tokens=4200, output_tokens=380)], load_catalog()
    )
    assert cost == Decimal("0.0183")
