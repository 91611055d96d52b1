"""The reports the HTML dashboard draws, as data: every query it runs over one resolved window
(aggregates only; each is one scan of the window). `llmcost.report.dashboard` adds alerts, budgets
and the price check; `llmcost.report.html` draws the page.

    reports = dashboard_reports(con, scope, now=now)
    reports.headline, reports.daily, reports.units, ...
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

    from llmcost.queries.model import Report
    from llmcost.queries.scope import Scope

DEFAULT_DAYS = 30  # an open --since shows the 30 days before the end of the window
TOP_FEATURES = 8
TOP_TENANTS = 10
TOP_MODELS = 12
MAX_UNIT_SERIES = 4

SQL = SqlFiles("llmcost.queries")


@dataclass(frozen=True)
class UnitSeries:
    """Tokens and cost per success of one outcome event, in the feature that emits it, per day."""

    event: str
    feature: str | None  # None: the event comes with no feature (all features' spend counts)
    report: Report


@dataclass
class DashboardReports:
    """The window (both bounds set), its anchor (the end the relative views count back from) and
    the reports of the dashboard's sections."""

    scope: Scope
    anchor: datetime
    headline: Report
    previous: Report  # the window of the same length just before
    last7: Report
    prior7: Report
    daily: Report
    tenants: Report
    models: Report
    io: Report
    stages: Report
    failures: Report
    units: list[UnitSeries] = field(default_factory=list)
    successes: int | None = None  # outcome events in the window (None: filters outcomes lack)


def midnight_after(at: datetime, tz: str) -> datetime:
    local = at.astimezone(ZoneInfo(tz))
    nxt = (local + timedelta(days=1)).date()
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def days_before(at: datetime, days: int, tz: str) -> datetime:
    local = at.astimezone(ZoneInfo(tz))
    d = (local - timedelta(days=days)).date()
    return datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def resolve_window(con: duckdb.DuckDBPyConnection, scope: Scope, now: datetime) -> tuple[Scope, datetime]:
    """Both bounds of the window: an open end is the midnight after the latest request (so a
    warehouse of last month still shows last month), an open start DEFAULT_DAYS before that."""
    from llmcost.queries.scope import Scope
    from llmcost.window import Window

    w = scope.window
    anchor = w.until
    if anchor is None:
        latest = sqlrun.run(con, SQL.text("data_range"), {})[0][1]
        anchor = midnight_after(latest if latest is not None else now, w.tz)
    since = w.since if w.since is not None else days_before(anchor, DEFAULT_DAYS, w.tz)
    return Scope(Window(since, anchor, w.tz), scope.filters, scope.cost_mode), anchor


def shifted(scope: Scope, since: datetime, until: datetime) -> Scope:
    from llmcost.queries.scope import Scope
    from llmcost.window import Window

    return Scope(Window(since, until, scope.window.tz), scope.filters, scope.cost_mode)


def bounds(scope: Scope) -> tuple[datetime, datetime]:
    w = scope.window
    assert w.since is not None and w.until is not None, "resolve_window first"
    return w.since, w.until


def unit_series(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[list[UnitSeries], int | None]:
    """One series per (event, feature that emits it), the most frequent first; and the number of
    outcome events in the window. Outcomes carry tenant, feature and user only: a scope filtered
    on another dimension (model, ...) has no unit economics."""
    from llmcost.queries.dimensions import DIMENSIONS, Filter
    from llmcost.queries.scope import Scope
    from llmcost.queries.unit import UNIT_FILTERS, UnitQuery, unit

    if any(f.dimension.name not in UNIT_FILTERS for f in scope.filters):
        return [], None
    from llmcost.queries import rollup

    summed = rollup.active_events(con, scope, ())
    if summed is not None:
        pairs = sqlrun.run(
            con, SQL.render("rollup_outcomes", table=rollup.EVENTS_TABLE, scope=summed[0]), summed[1]
        )
    else:
        pairs = sqlrun.run(con, SQL.render("dashboard_outcomes", scope=scope.where("o")), scope.params())
    series = []
    for event, feature, _ in pairs[:MAX_UNIT_SERIES]:
        filters = scope.filters
        if feature is not None and not any(f.dimension.name == "feature" for f in filters):
            filters = (*filters, Filter(DIMENSIONS["feature"], str(feature)))
        q = UnitQuery(
            str(event),
            (DIMENSIONS["day"],),
            Scope(scope.window, filters, scope.cost_mode),
            attribution="ratio",
        )
        series.append(UnitSeries(str(event), None if feature is None else str(feature), unit(con, q)))
    return series, sum(int(n) for _, _, n in pairs)


def dashboard_reports(con: duckdb.DuckDBPyConnection, scope: Scope, *, now: datetime) -> DashboardReports:
    """Every report the dashboard draws, over `scope` with its open bounds resolved."""
    with dashboard_session(con, scope, now=now) as reports:
        return reports


@contextlib.contextmanager
def dashboard_session(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, now: datetime, checks: dict[str, Any] | None = None
) -> Iterator[DashboardReports]:
    """As `dashboard_reports`, and the dashboard's rollup stays prepared inside the block, so what
    the caller reads next (the alerts' feature and outcome days; with `checks`, the price check's
    parameters, the price check) may read it too."""
    from llmcost.queries import quality, rollup

    scope, anchor = resolve_window(con, scope, now)
    since, until = bounds(scope)
    length = until - since
    # The window and the period before it, summed once: the spend views below read that rollup
    # (the top tenants, grouped by tenant, still scan the last seven days themselves).
    with rollup.prepared(con, shifted(scope, since - length, until), checks=checks):
        with quality.shared():  # ten reports, mostly over one scope: its data-quality facts read once
            reports = _views(con, scope, anchor)
        yield reports


def _views(con: duckdb.DuckDBPyConnection, scope: Scope, anchor: datetime) -> DashboardReports:
    from llmcost.queries import views
    from llmcost.queries.spend import SpendQuery, spend

    since, until = bounds(scope)
    tz = scope.window.tz
    length = until - since
    week = days_before(until, 7, tz)
    reports = DashboardReports(
        scope=scope,
        anchor=anchor,
        headline=spend(con, SpendQuery((), scope), title="Spend"),
        previous=spend(con, SpendQuery((), shifted(scope, since - length, since)), title="Previous period"),
        last7=spend(con, SpendQuery((), shifted(scope, week, until)), title="Last 7 days"),
        prior7=spend(
            con, SpendQuery((), shifted(scope, days_before(week, 7, tz), week)), title="7 days before"
        ),
        daily=views.daily(con, scope, top=TOP_FEATURES),
        tenants=views.top_tenants(con, scope, anchor=anchor, top=TOP_TENANTS),
        models=views.models(con, scope, top=TOP_MODELS),
        io=views.io_share(con, scope, top=TOP_FEATURES),
        stages=views.retrieval(con, scope),
        failures=views.failures(con, scope),
    )
    reports.units, reports.successes = unit_series(con, scope)
    return reports
