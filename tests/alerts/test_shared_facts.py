"""The HTML page evaluates the alerts and the budgets of one day from ONE Facts (llmcost/report/
dashboard.py): the tenants' days are read once, over the union of what the rules and the budget
report need. Both answers must be what each computes on its own Facts, on every kind of day of a
planted month (its first days, mid-month, its last day, the next month: where the alerts read days
the budget report must leave out) and in every cost mode."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from llmcost.alerts import budget_report, evaluate, load_settings
from llmcost.alerts.budgets import budget_needs
from llmcost.alerts.facts import Facts
from llmcost.config import load_config
from llmcost.queries.session import prepare
from llmcost.synth import DEFAULT_START
from llmcost.warehouse import reader
from tests.alerts.conftest import Month

DAYS = [DEFAULT_START + timedelta(days=n) for n in (0, 3, 9, 15, 29, 30, 32, 35)]


@pytest.mark.parametrize("cost_mode", ["logged", "derived", "auto"])
def test_alerts_and_budgets_from_one_facts_equal_each_alone(planted: Month, cost_mode: str) -> None:
    settings = load_settings(load_config(planted.config))
    with reader(planted.db) as wh:
        con = prepare(wh)
        for day in DAYS:
            alone_alerts = evaluate(con, settings, day, cost_mode=cost_mode)
            alone_budgets = budget_report(con, settings, day, cost_mode=cost_mode)
            facts = Facts(con, day, cost_mode, settings.budgets.forecast_days)
            budget_needs(facts, settings)
            shared_alerts = evaluate(con, settings, day, cost_mode=cost_mode, facts=facts)
            shared_budgets = budget_report(con, settings, day, cost_mode=cost_mode, facts=facts)
            assert shared_alerts.as_dict() == alone_alerts.as_dict(), day
            assert shared_budgets.as_dict() == alone_budgets.as_dict(), day
            # the shared read is wider than the budget's own span: the test means something
            assert facts._spans["tenant_days"].start <= day - timedelta(days=7)


def test_budget_report_refuses_facts_of_another_day(planted: Month) -> None:
    settings = load_settings(load_config(planted.config))
    with reader(planted.db) as wh:
        con = prepare(wh)
        facts = Facts(con, date(2026, 10, 9), "logged")
        budget_needs(facts, settings)
        with pytest.raises(ValueError, match="another day or cost mode"):
            budget_report(con, settings, date(2026, 10, 10), cost_mode="logged", facts=facts)
        with pytest.raises(ValueError, match="another day or cost mode"):
            budget_report(con, settings, date(2026, 10, 9), cost_mode="derived", facts=facts)


@pytest.mark.parametrize("cost_mode", ["logged", "derived"])
def test_day_totals_from_the_tenant_days_equal_the_scan(
    planted: Month, cost_mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A day's requests and unpriced requests, summed from the tenant days already read, are the
    day_totals scan's: every day of the month and the days around it (no traffic)."""
    from llmcost.alerts.model import Span

    with reader(planted.db) as wh:
        con = prepare(wh)
        day = DEFAULT_START + timedelta(days=29)
        shared = Facts(con, day, cost_mode)
        shared.need("tenant_days", Span(DEFAULT_START - timedelta(days=2), day + timedelta(days=3)))
        shared.tenant_days()
        ran: list[str] = []
        query = shared.query
        monkeypatch.setattr(shared, "query", lambda name, *a, **k: ran.append(name) or query(name, *a, **k))
        alone = Facts(con, day, cost_mode)
        requests = 0
        for n in range(-2, 32):
            span = Span.day(DEFAULT_START + timedelta(days=n))
            assert shared.day_totals(span) == alone.day_totals(span), span
            requests += alone.day_totals(span)[0]
        assert ran == [] and requests > 0  # no scan, and the month has traffic
        wide = Span(DEFAULT_START, day)  # more than a day: scanned, and the same
        assert shared.day_totals(wide) == alone.day_totals(wide)
        assert ran == ["day_totals"]
