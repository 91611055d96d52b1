"""What the HTML report shows, gathered: the dashboard's reports (`llmcost.queries.dashboard`), the
alerts and budgets of the last closed day (`llmcost.alerts`) and the price check
(`llmcost.pricing.check`), as one typed `Dashboard` that `llmcost.report.html` draws.

    from llmcost.report.dashboard import collect
    from llmcost.report.html import render_html
    text = render_html(collect(con, scope, settings=settings, catalog=catalog))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from llmcost.queries.dashboard import DashboardReports, bounds, dashboard_session
from llmcost.queries.traces import TracesReport, traces_report

if TYPE_CHECKING:
    import duckdb

    from llmcost.alerts import BudgetReport, Evaluation, Settings
    from llmcost.pricing import Catalog
    from llmcost.pricing.check import CheckResult
    from llmcost.queries.margin import MarginReport
    from llmcost.queries.scope import Scope


TOP_TRACES = 10  # the costliest traces the page lists (`llmcost traces` for more)


@dataclass
class Dashboard:
    generated_at: datetime
    reports: DashboardReports  # the resolved window (both bounds set) and every report drawn
    alerts: Evaluation | None = None
    budgets: BudgetReport | None = None
    margin: MarginReport | None = None  # when [plans] names a billing system: the month of `budgets`
    pricing: CheckResult | None = None
    catalog: str | None = None
    traces: TracesReport | None = None  # cost per trace: the distribution and the costliest
    notes: list[str] = field(default_factory=list)

    @property
    def scope(self) -> Scope:
        return self.reports.scope


def collect(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    settings: Settings | None = None,
    catalog: Catalog | None = None,
    now: datetime | None = None,
) -> Dashboard:
    """Run every query the HTML report draws; alerts and budgets when `settings` are given (for the
    last day the window closed), the price check when `catalog` is."""
    now = now or datetime.now(UTC)
    # inside the session the dashboard's rollup is still prepared: the alerts read their feature and
    # outcome days from it when it holds them (llmcost.alerts.facts), and the price check its cells,
    # instead of scanning again
    checks = None
    if catalog is not None:
        from llmcost.pricing.check import check_params

        checks = check_params(catalog)  # the rollup sums the price check's cells too
    with dashboard_session(con, scope, now=now, checks=checks) as reports:
        return _collect(con, Dashboard(generated_at=now, reports=reports), settings, catalog, now)


def _collect(
    con: duckdb.DuckDBPyConnection,
    dash: Dashboard,
    settings: Settings | None,
    catalog: Catalog | None,
    now: datetime,
) -> Dashboard:
    dash.traces = traces_report(con, dash.scope, top=TOP_TRACES)
    if dash.reports.successes is None:
        dash.notes.append(
            "unit economics need filters on tenant, feature or user only (outcome events carry no others)"
        )
    if settings is not None:
        from llmcost.alerts import budget_report, evaluate
        from llmcost.alerts.budgets import budget_needs
        from llmcost.alerts.facts import Facts

        cost_mode = dash.scope.cost_mode
        day = min((dash.reports.anchor - timedelta(days=1)).astimezone(UTC).date(), now.date())
        # one Facts for the alerts and the budgets: the tenants' days are read once for both
        facts = Facts(con, day, cost_mode, settings.budgets.forecast_days)
        budget_needs(facts, settings)
        dash.alerts = evaluate(con, settings, day, cost_mode=cost_mode, now=now, facts=facts)
        dash.budgets = budget_report(con, settings, day, cost_mode=cost_mode, facts=facts)
        if settings.billing_source is not None:
            dash.margin = _margin(con, settings, day, cost_mode)
    if catalog is not None:
        from llmcost.pricing.check import check, check_params
        from llmcost.queries import rollup
        from llmcost.window import Window as PricingWindow

        since, until = bounds(dash.scope)
        summed = rollup.active_checks(con, since, until, check_params(catalog))
        dash.pricing = check(con, catalog, window=PricingWindow(since, until), rollup=summed)
        dash.catalog = catalog.info.describe()
    return dash


def _margin(con: duckdb.DuckDBPyConnection, settings: Settings, day: date, cost_mode: str) -> MarginReport:
    """The margin of the budgets' month, from the plans the settings were loaded with."""
    from llmcost.queries.margin import margin_report
    from llmcost.queries.plans import Plans, TenantPlan

    assert settings.billing_source is not None
    plans = Plans(
        settings.billing_source,
        {
            t: TenantPlan(t, plan, settings.billing_prices.get(t), settings.billing_monthly.get(t))
            for t, plan in settings.billing_plans.items()
        },
    )
    return margin_report(con, plans, day.replace(day=1), cost_mode=cost_mode, floor=settings.margin_floor)
