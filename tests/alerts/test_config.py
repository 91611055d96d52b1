"""[alerts] and [budgets] validation (errors name the file and the key), the tenants CSV, usage
errors on the command line, and the month-end forecast arithmetic."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from llmcost.alerts import Rule, parse_rules, parse_settings
from llmcost.alerts.config import Severity
from llmcost.alerts.forecast import pace
from llmcost.errors import ConfigError, UsageError
from tests.alerts.conftest import Month
from tests.alerts.helpers import run


def test_defaults_are_the_articles() -> None:
    s = parse_settings({}, {})
    a = s.alerts
    assert (a.tenant_spike.factor, a.tenant_spike.baseline_days, a.tenant_spike.min_daily_usd) == (2.0, 7, 5)
    assert a.feature_regression.min_increase == 0.4
    assert (a.error_burn.max_rate, a.error_burn.outcomes) == (0.05, ["error", "timeout"])
    assert (a.budget_pace.threshold, a.budget_pace.within_days) == (0.8, 7)
    assert a.budget_pace.severity is Severity.CRITICAL and a.tenant_spike.severity is Severity.WARNING
    assert {k: p.daily_usd for k, p in s.budgets.plans.items()} == {
        "starter": Decimal(5),
        "pro": Decimal(50),
        "enterprise": None,
    }
    assert a.fail_on == "warning" and s.budgets.org_monthly_usd is None


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    import tomllib

    import llmcost.alerts.config as module

    text = (module.__doc__ or "").split("```toml", 1)[1].split("```", 1)[0]
    data = tomllib.loads(text)
    (tmp_path / "tenants.csv").write_text("tenant_id,plan\nbeta,pro\n", "utf-8")
    s = parse_settings(data["alerts"], data["budgets"], tmp_path / "llmcost.toml")
    assert s.tenant_plans == {"beta": "pro", "tenant_acme": "enterprise"}
    assert s.alerts.feature_regression.action_for("copilot") == "disable feature=copilot via flag AI_COPILOT"
    assert s.budgets.org_monthly_usd == 20000 and s.budgets.plans["pro"].monthly_usd == 1000


def test_hyphenated_rule_tables_and_per_subject_actions() -> None:
    s = parse_settings(
        {
            "feature-regression": {
                "min_increase": 0.25,
                "actions": {"copilot": "disable feature={subject} via AI_COPILOT"},
            }
        },
        {},
    )
    cfg = s.alerts.feature_regression
    assert cfg.min_increase == 0.25
    assert cfg.action_for("copilot") == "disable feature=copilot via AI_COPILOT"
    assert cfg.action_for("search").startswith("Roll back the last prompt version of search")


@pytest.mark.parametrize(
    ("alerts", "budgets", "key"),
    [
        ({"tenant_spike": {"factor": 0.5}}, {}, "alerts.tenant_spike.factor"),
        ({"tenant_spike": {"floor": 3}}, {}, "alerts.tenant_spike.floor"),
        ({"error_burn": {"severity": "page"}}, {}, "alerts.error_burn.severity"),
        ({"fail_on": "info"}, {}, "alerts.fail_on"),
        ({}, {"tenants": {"acme": "platinum"}}, "budgets.tenants"),
        ({}, {"org_monthly_usd": -1}, "budgets.org_monthly_usd"),
        ({}, {"default_plan": "gold"}, "budgets.default_plan"),
    ],
)
def test_errors_name_the_file_and_key(
    alerts: dict[str, object], budgets: dict[str, object], key: str
) -> None:
    with pytest.raises(ConfigError) as e:
        parse_settings(alerts, budgets, Path("/etc/llmcost.toml"))
    table, leaf = key.rsplit(".", 1)
    # the file (it cannot be read here: no line), the table and the key (llmcost/config/problems.py)
    assert str(e.value).startswith("/etc/llmcost.toml: ")
    assert f"[{table}]" in str(e.value) and f"{leaf}" in str(e.value)


def test_tenants_csv(tmp_path: Path) -> None:
    (tmp_path / "tenants.csv").write_text("id,tenant_id,plan\n1,acme,pro\n2,beta,starter\n\n", "utf-8")
    s = parse_settings(
        {}, {"tenants_file": "tenants.csv", "tenants": {"beta": "enterprise"}}, tmp_path / "x.toml"
    )
    assert s.tenant_plans == {"acme": "pro", "beta": "enterprise"}  # inline wins
    assert s.plan_of("acme") == "pro" and s.plan_of("zeta") is None
    (tmp_path / "bad.csv").write_text("tenant_id,plan\nacme,pro\nbeta,gold\n", "utf-8")
    with pytest.raises(ConfigError, match=r"bad\.csv:3: unknown plan 'gold' for beta"):
        parse_settings({}, {"tenants_file": "bad.csv"}, tmp_path / "x.toml")
    (tmp_path / "twice.csv").write_text("tenant_id,plan\nacme,pro\nacme,starter\n", "utf-8")
    with pytest.raises(ConfigError, match=r"twice\.csv:3: acme is mapped to both 'pro' and 'starter'"):
        parse_settings({}, {"tenants_file": "twice.csv"}, tmp_path / "x.toml")
    (tmp_path / "nohead.csv").write_text("acme,pro\n", "utf-8")
    with pytest.raises(ConfigError, match="the header must name the columns tenant_id and plan"):
        parse_settings({}, {"tenants_file": "nohead.csv"}, tmp_path / "x.toml")
    with pytest.raises(ConfigError, match="tenants file not found"):
        parse_settings({}, {"tenants_file": "missing.csv"}, tmp_path / "x.toml")


def test_parse_rules() -> None:
    assert parse_rules(None) == list(Rule)
    assert parse_rules(["embed_surge,tenant-spike", "no-data"]) == [
        Rule.TENANT_SPIKE,
        Rule.EMBED_SURGE,
        Rule.NO_DATA,
    ]
    with pytest.raises(UsageError, match="unknown rule 'spike'"):
        parse_rules(["spike"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["alerts", "--at", "20-10-2026"], "--at: expected YYYY-MM-DD"),
        (["alerts", "--at", "2999-01-01"], "is in the future"),
        (["alerts", "--rule", "nope"], "unknown rule"),
        (["alerts", "--fail-on", "info"], "--fail-on: choose from"),
        (["alerts", "--format", "html"], "--format: choose from table, json, md"),
        (["alerts", "--cost", "cheap"], "--cost: unknown cost mode"),
        (["budgets", "--month", "2026-13"], "--month: expected YYYY-MM"),
        (["budgets", "--month", "2026-09", "--at", "2026-10-02"], "is not in --month"),
    ],
)
def test_usage_errors_exit_2(
    quiet: Month, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args, *quiet.cli_args())
    assert code == 2 and message in err


def test_a_bad_config_file_exits_2(quiet: Month, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[alerts.error_burn]\nmax_rate = 5\n", "utf-8")
    code, _, err = run(capsys, "alerts", "--db", str(quiet.db), "--config", str(cfg))
    assert code == 2
    assert f"{cfg}:2: [alerts.error_burn] max_rate:" in err


# -- the forecast arithmetic -------------------------------------------------------------------

OCT = date(2026, 10, 1)


def _days(costs: list[int], start: date = OCT) -> dict[date, Decimal]:
    return {start + timedelta(days=i): Decimal(c) for i, c in enumerate(costs)}


def test_forecast_and_runs_out() -> None:
    p = pace(_days([10] * 10), OCT + timedelta(days=9), Decimal(250), 7, OCT)
    assert (p.spent, p.run_rate, p.run_rate_days) == (Decimal(100), Decimal(10), 7)
    assert p.forecast == Decimal(310)  # 100 + 10 x 21
    assert p.runs_out == date(2026, 10, 25)  # 100 + 10 x 15 = 250
    assert p.share == 0.4 and p.elapsed_share == pytest.approx(10 / 31)
    assert (
        pace(_days([10] * 10), OCT + timedelta(days=9), Decimal(400), 7, OCT).runs_out is None
    )  # not this month


def test_exhausted_budget_ran_out_on_the_day_it_was_crossed() -> None:
    p = pace(_days([10, 10, 50, 10]), OCT + timedelta(days=3), Decimal(60), 7, OCT)
    assert p.exhausted and p.runs_out == date(2026, 10, 3)


def test_run_rate_uses_only_days_with_data_and_crosses_the_month() -> None:
    early = pace(_days([7, 7, 7]), OCT + timedelta(days=2), None, 7, OCT)
    assert (early.run_rate, early.run_rate_days) == (Decimal(7), 3)
    # Three days into November, the run rate still averages seven days: four of them in October.
    nov = date(2026, 11, 1)
    daily = {**_days([14] * 4, date(2026, 10, 28)), **_days([0, 0, 0], nov)}
    p = pace(daily, nov + timedelta(days=2), Decimal(100), 7, OCT)
    assert (p.spent, p.run_rate, p.run_rate_days) == (Decimal(0), Decimal(8), 7)
    assert p.forecast == Decimal(8 * 27)
