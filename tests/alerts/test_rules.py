"""Each rule's edges on small hand-made logs: floors, too little history said rather than skipped,
strict thresholds, fallbacks, plans, forecasts, an empty day."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from llmcost.alerts import Evaluation, Rule
from tests.alerts.conftest import ingest
from tests.alerts.helpers import LogWriter, evaluate_days, run

D0 = date(2026, 3, 1)  # a Sunday; March has 31 days
SPIKE_DAY = D0 + timedelta(days=10)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


Build = Callable[[LogWriter], None]


class Warehouses:
    """One real warehouse per hand-made log (built once per module), evaluated under many configs."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.built: dict[Build, Path] = {}

    def db(self, build: Build) -> Path:
        if build not in self.built:
            root = self.factory.mktemp("logs")
            logs = LogWriter()
            build(logs)
            empty = root / "empty.toml"
            empty.write_text("", "utf-8")
            db = root / "w.duckdb"
            ingest(db, [logs.write(root / "app.jsonl")], empty)
            self.built[build] = db
        return self.built[build]

    def config(self, text: str) -> Path:
        path = self.factory.mktemp("config") / "llmcost.toml"
        path.write_text('[pricing]\ncost_mode = "logged"\n' + text, "utf-8")
        return path

    def at(self, build: Build, when: date, config: str = "") -> Evaluation:
        return evaluate_days(self.db(build), self.config(config), [when])[when]


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouses:
    return Warehouses(tmp_path_factory)


def result(ev: Evaluation, rule: Rule) -> tuple[str, list[str], list[str]]:
    (r,) = [r for r in ev.results if r.rule is rule]
    return r.status.value, [a.subject for a in r.alerts], r.notes


# -- tenant spike ------------------------------------------------------------------------------


def spiky(logs: LogWriter) -> None:
    for n in range(11):
        logs.request(day(n), tenant="t_steady", cost=10.0)  # $10/day, then 3x
        logs.request(day(n), tenant="t_twice", cost=10.0)  # exactly 2x: not above 2x
        logs.request(day(n), tenant="t_small", cost=0.5)  # 4x, but under the $5 floor
    logs.request(SPIKE_DAY, tenant="t_steady", cost=20.0)
    logs.request(SPIKE_DAY, tenant="t_twice", cost=10.0)
    logs.request(SPIKE_DAY, tenant="t_small", cost=1.5)
    for n in (8, 9):
        logs.request(day(n), tenant="t_new", cost=10.0)  # first seen two days before
    logs.request(SPIKE_DAY, tenant="t_new", cost=40.0)
    logs.request(day(0), tenant="t_dormant", cost=1.0)  # nothing for 9 days, then $20
    logs.request(SPIKE_DAY, tenant="t_dormant", cost=20.0)
    logs.request(SPIKE_DAY, tenant=None, cost=0.5)  # untagged traffic is a subject like any other


def test_tenant_spike_floor_history_and_strictness(wh: Warehouses) -> None:
    ev = wh.at(spiky, SPIKE_DAY)
    status, subjects, notes = result(ev, Rule.TENANT_SPIKE)
    assert (status, subjects) == ("fired", ["t_steady"])
    (alert,) = [a for a in ev.alerts if a.rule is Rule.TENANT_SPIKE]
    assert (alert.observed, alert.baseline, alert.threshold) == (Decimal(30), Decimal(10), Decimal(20))
    assert "3.00× its 7-day average of $10.00" in alert.message
    assert len(notes) == 2
    assert (
        "t_new spent $40.00 on 2026-03-11 but was first seen on 2026-03-09 (2 day(s) of history" in notes[0]
    )
    assert "t_dormant spent $20.00" in notes[1] and "no baseline" in notes[1]


def test_tenant_spike_thresholds_come_from_config(wh: Warehouses) -> None:
    config = """
[alerts.tenant-spike]
factor = 1.5
min_daily_usd = 1
min_history_days = 2
action = "page {subject}'s CSM"
actions = { t_steady = "call ACME" }
"""
    ev = wh.at(spiky, SPIKE_DAY, config)
    alerts = {a.subject: a for a in ev.alerts if a.rule is Rule.TENANT_SPIKE}
    assert sorted(alerts) == ["t_new", "t_small", "t_steady", "t_twice"]
    assert alerts["t_steady"].action == "call ACME"
    assert alerts["t_small"].action == "page t_small's CSM"


def test_a_new_tenant_found_only_by_looking_further_back(wh: Warehouses) -> None:
    """A tenant whose only history is older than the 8-day window the rule reads is looked up."""

    def build(logs: LogWriter) -> None:
        for n in range(20):
            logs.request(day(n), tenant="t_other", cost=1.0)
        logs.request(day(2), tenant="t_old", cost=5.0)
        for n in range(13, 19):
            logs.request(day(n), tenant="t_old", cost=5.0)
        logs.request(day(19), tenant="t_old", cost=20.0)

    ev = wh.at(build, day(19))
    assert result(ev, Rule.TENANT_SPIKE)[:2] == ("fired", ["t_old"])


# -- feature regression ------------------------------------------------------------------------


def regressed(logs: LogWriter) -> None:
    # copilot: outcome events; tokens per event 1100 → 2200 in the second week.
    # classifier: no events, so successful requests count; 1100 → 1100 (retries do not change it).
    # search: 10 events a week: too few to judge.
    for n in range(14):
        second = n >= 7
        for _ in range(5):
            logs.request(day(n), feature="copilot", tokens=(2000, 200) if second else (1000, 100), cost=0.01)
            logs.event(day(n), "draft_accepted", feature="copilot")
            logs.request(day(n), feature="classifier", tokens=(1000, 100), cost=0.001)
        logs.request(day(n), feature="classifier", tokens=(0, 0), outcome="error", cost=0.0)
        logs.request(day(n), feature="search", tokens=(9000, 900), cost=0.01)
        logs.event(day(n), "search_answered", feature="search")


def test_feature_regression_by_events_fallback_and_too_few(wh: Warehouses) -> None:
    ev = wh.at(regressed, day(13), "[alerts.feature_regression]\nmin_successes = 20\n")
    status, subjects, notes = result(ev, Rule.FEATURE_REGRESSION)
    assert (status, subjects) == ("fired", ["copilot"])
    (alert,) = [a for a in ev.alerts if a.rule is Rule.FEATURE_REGRESSION]
    assert (alert.baseline, alert.observed) == (1100.0, 2200.0)
    assert alert.details["successes_counted"] == "outcome events"
    assert notes == [
        "search: 7 outcome events in 2026-03-01..2026-03-07 and 7 in 2026-03-08..2026-03-14; "
        "the rule needs 20 in each: not evaluated"
    ]
    # Counting only draft_accepted, search has no events at all: its successful requests count.
    ev = wh.at(
        regressed,
        day(13),
        '[alerts.feature_regression]\nmin_successes = 5\nsuccess_events = ["draft_accepted"]\n',
    )
    assert result(ev, Rule.FEATURE_REGRESSION)[:2] == ("fired", ["copilot"])


def test_feature_regression_is_strict_about_its_threshold(wh: Warehouses) -> None:
    ev = wh.at(regressed, day(13), "[alerts.feature_regression]\nmin_successes = 20\nmin_increase = 1.01\n")
    assert result(ev, Rule.FEATURE_REGRESSION)[:2] == ("ok", [])


# -- error burn, embed surge -------------------------------------------------------------------


def burning(logs: LogWriter) -> None:
    for n in range(3):
        for i in range(100):
            bad = n == 2 and i < 10  # 10% errors on the last day
            logs.request(day(n), outcome="error" if bad else "success", tokens=(0, 0) if bad else (1000, 100))
    for _ in range(12):  # more tokens on day 2 than day 1 despite the errors
        logs.request(day(2), tokens=(5000, 500))
    for _ in range(30):  # a big embedding job on day 0
        logs.request(day(0), operation="embedding", tokens=(10_000, 0), feature="rag_index", cost=0.0001)


def burning_less(logs: LogWriter) -> None:
    burning(logs)
    logs.request(day(1), tokens=(10**7, 0))


def test_error_burn_needs_rising_tokens(wh: Warehouses) -> None:
    evs = evaluate_days(wh.db(burning), wh.config(""), [day(1), day(2)])
    status, subjects, _ = result(evs[day(2)], Rule.ERROR_BURN)
    assert (status, subjects) == ("fired", ["org"])
    (alert,) = [a for a in evs[day(2)].alerts if a.rule is Rule.ERROR_BURN]
    assert alert.observed == pytest.approx(10 / 112)
    # Had day 1 been the bigger day, the same 10% on day 2 would not be a burn.
    status, subjects, notes = result(wh.at(burning_less, day(2)), Rule.ERROR_BURN)
    assert (status, subjects) == ("ok", [])
    assert "but tokens fell" in notes[0]


def test_embed_surge(wh: Warehouses) -> None:
    evs = evaluate_days(wh.db(burning), wh.config(""), [day(0), day(1)])
    assert result(evs[day(1)], Rule.EMBED_SURGE)[:2] == ("ok", [])
    (alert,) = [a for a in evs[day(0)].alerts if a.rule is Rule.EMBED_SURGE]
    assert (alert.observed, alert.baseline) == (300_000, 110_000)
    assert alert.details["top_features"][0]["feature"] == "rag_index"


def two_requests(logs: LogWriter) -> None:
    for n in range(2):
        logs.request(day(n))


def test_too_few_requests_is_said(wh: Warehouses) -> None:
    ev = wh.at(two_requests, day(1))
    status, _, notes = result(ev, Rule.ERROR_BURN)
    assert status == "skipped" and notes == ["not evaluated: 1 request(s) on 2026-03-02; the rule needs 100"]


# -- budgets: org pace and tenant plans --------------------------------------------------------


def steady_month(logs: LogWriter) -> None:
    for n in range(10):
        logs.request(day(n), tenant="t_a", cost=30.0)
        logs.request(day(n), tenant="t_b", cost=6.0)
        logs.request(day(n), tenant="t_c", cost=4.0)
        logs.request(day(n), tenant="t_x", cost=2.0)


PLANS = """
[budgets]
org_monthly_usd = {budget}
{extra}

[budgets.plans]
starter = {{ daily_usd = 5 }}
pro = {{ daily_usd = 50, monthly_usd = 250 }}

[budgets.tenants]
t_a = "pro"
t_b = "starter"
t_c = "starter"
"""


def test_budget_pace_forecast_overrun_is_a_warning(wh: Warehouses) -> None:
    # $42/day: by day 10, $420 of $1,200; month-end forecast 420 + 42 x 21 = $1,302 > $1,200.
    ev = wh.at(steady_month, day(9), PLANS.format(budget=1200, extra=""))
    (alert,) = [a for a in ev.alerts if a.rule is Rule.BUDGET_PACE]
    assert alert.severity.value == "warning"
    assert alert.observed == Decimal(1302) and alert.threshold == Decimal(1200)
    assert alert.details["runs_out_on"] == date(2026, 3, 29)  # 420 + 42 x 19 = 1,218 >= 1,200
    assert not alert.details["first_week_threshold_hit"]


def test_budget_pace_first_week_is_critical(wh: Warehouses) -> None:
    ev = wh.at(steady_month, day(6), PLANS.format(budget=350, extra=""))  # $294 of $350 by day 7: 84%
    (alert,) = [a for a in ev.alerts if a.rule is Rule.BUDGET_PACE]
    assert alert.severity.value == "critical" and alert.details["first_week_threshold_hit"]
    assert alert.observed == Decimal(294) and alert.threshold == Decimal(280)


def test_no_budget_is_said(wh: Warehouses) -> None:
    status, _, notes = result(wh.at(steady_month, day(9)), Rule.BUDGET_PACE)
    assert status == "skipped" and "org_monthly_usd" in notes[0]
    status, _, notes = result(wh.at(steady_month, day(9), "[budgets.plans]\nfree = {}\n"), Rule.TENANT_BUDGET)
    assert status == "skipped" and "daily_usd or monthly_usd" in notes[0]


def test_tenant_plan_limits_daily_and_monthly(wh: Warehouses) -> None:
    ev = wh.at(steady_month, day(9), PLANS.format(budget=10_000, extra=""))
    alerts = sorted(
        (a.subject, a.details["limit"], a.observed) for a in ev.alerts if a.rule is Rule.TENANT_BUDGET
    )
    # t_b is over starter's $5/day; t_a is inside pro's $50/day but its $300 month is over $250;
    # t_c is inside; t_x has no plan and is named in the notes.
    assert alerts == [("t_a", "monthly", Decimal(300)), ("t_b", "daily", Decimal(6))]
    (note,) = result(ev, Rule.TENANT_BUDGET)[2]
    assert note.startswith("1 tenant(s) with spend on 2026-03-10 have no plan ($2.00)") and "t_x" in note


def test_budgets_command(wh: Warehouses, capsys: pytest.CaptureFixture[str]) -> None:
    db, cfg = wh.db(steady_month), wh.config(PLANS.format(budget=1200, extra='default_plan = "starter"'))
    code, out, err = run(
        capsys, "budgets", "--at", day(9).isoformat(), "-f", "json", "--db", str(db), "--config", str(cfg)
    )
    assert code == 0, err
    doc = json.loads(out)
    org = doc["org"]
    assert (doc["month"], doc["as_of"], doc["complete"]) == ("2026-03", "2026-03-10", False)
    assert org["month_to_date_usd"] == "420.000000000" and org["budget_usd"] == "1200.000000000"
    assert org["forecast_month_end_usd"] == "1302.000000000" and org["runs_out_on"] == "2026-03-29"
    assert org["days_elapsed"] == 10 and org["run_rate_days"] == 7
    tenants = {t["tenant_id"]: t for t in doc["tenants"]}
    assert [t["tenant_id"] for t in doc["tenants"]] == ["t_b", "t_a", "t_c", "t_x"]
    assert tenants["t_b"]["days_over_daily_limit"] == 10 and tenants["t_b"]["plan"] == "starter"
    assert tenants["t_x"]["plan"] == "starter"  # the default plan
    assert tenants["t_a"]["monthly_share"] == 1.2 and tenants["t_a"]["runs_out_on"] == "2026-03-09"
    code, out, _ = run(capsys, "budgets", "--month", "2026-03", "--db", str(db), "--config", str(cfg))
    assert code == 0
    assert "March 2026, complete" in out and "Org spend $420.00 of a $1,200.00 budget (35.0% used" in out
    code, out, _ = run(
        capsys,
        "budgets",
        "--at",
        "2026-03-10",
        "--top",
        "1",
        "-f",
        "md",
        "--db",
        str(db),
        "--config",
        str(cfg),
    )
    assert code == 0 and "| t_b | starter | $6.00 | $5.00 |" in out and "3 more tenant(s) not shown" in out


# -- an empty day -------------------------------------------------------------------------------


def test_a_day_without_requests_fires_no_data(wh: Warehouses, capsys: pytest.CaptureFixture[str]) -> None:
    db, cfg = wh.db(steady_month), wh.config("")
    code, out, _ = run(
        capsys, "alerts", "--at", day(20).isoformat(), "-f", "json", "--db", str(db), "--config", str(cfg)
    )
    assert code == 1
    doc = json.loads(out)
    assert [(a["rule"], a["subject"]["id"]) for a in doc["alerts"]] == [("no-data", "requests")]
    assert "latest request is from 2026-03-10" in doc["alerts"][0]["message"]
    code, _, _ = run(
        capsys,
        "alerts",
        "--at",
        day(20).isoformat(),
        "--rule",
        "tenant-spike",
        "--db",
        str(db),
        "--config",
        str(cfg),
    )
    assert code == 0
