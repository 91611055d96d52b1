"""`llmcost budgets`: per-tenant utilisation against the tenant's plan, and the org's monthly budget:
month-to-date spend, pace, month-end forecast and the day the budget runs out.

One scan: cost per tenant per day over the month (and the run-rate days before it, early in a
month); the org's days are the sum over tenants.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost import numbers as fmt
from llmcost.alerts.config import Settings
from llmcost.alerts.facts import ZERO, Extent, Facts
from llmcost.alerts.forecast import Pace, month_end, month_start, pace
from llmcost.alerts.model import SCHEMA_VERSION, Span, json_value, money_str
from llmcost.alerts.rules import tenant_label

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class TenantBudget:
    tenant: str | None
    plan: str | None
    daily_limit: Decimal | None
    day_spend: Decimal  # on the as-of day
    max_day: Decimal
    max_day_on: date | None
    days_over_daily: int
    pace: Pace  # month-to-date against the plan's monthly_usd (budget None when the plan has none)
    unpriced: int

    @property
    def monthly_limit(self) -> Decimal | None:
        return self.pace.budget

    @property
    def daily_share(self) -> float | None:
        return float(self.day_spend / self.daily_limit) if self.daily_limit else None

    @property
    def peak_daily_share(self) -> float | None:
        return float(self.max_day / self.daily_limit) if self.daily_limit else None

    @property
    def utilisation(self) -> float | None:
        """The worse of the month's dearest day against the daily limit and the month to date against
        the monthly limit (None when the plan has neither)."""
        shares = [s for s in (self.peak_daily_share, self.pace.share) if s is not None]
        return max(shares) if shares else None

    def as_dict(self) -> dict[str, Any]:
        p = self.pace
        return {
            "tenant_id": self.tenant,
            "plan": self.plan,
            "daily_limit_usd": json_value(self.daily_limit),
            "day_spend_usd": money_str(self.day_spend),
            "daily_share": json_value(self.daily_share),
            "max_day_usd": money_str(self.max_day),
            "max_day_on": json_value(self.max_day_on),
            "peak_daily_share": json_value(self.peak_daily_share),
            "days_over_daily_limit": self.days_over_daily,
            "monthly_limit_usd": json_value(self.monthly_limit),
            "month_to_date_usd": money_str(p.spent),
            "monthly_share": json_value(p.share),
            "forecast_month_end_usd": json_value(p.forecast),
            "runs_out_on": json_value(p.runs_out),
            "unpriced_requests": self.unpriced,
        }


@dataclass
class BudgetReport:
    month: date
    as_of: date
    cost_mode: str
    org: Pace
    tenants: list[TenantBudget]
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.as_of == month_end(self.month)

    @property
    def unmapped(self) -> list[TenantBudget]:
        return [t for t in self.tenants if t.plan is None]

    def as_dict(self) -> dict[str, Any]:
        o = self.org
        return {
            "schema_version": SCHEMA_VERSION,
            "report": "budgets",
            "month": self.month.strftime("%Y-%m"),
            "as_of": self.as_of.isoformat(),
            "complete": self.complete,
            "cost_mode": self.cost_mode,
            "org": {
                "budget_usd": json_value(o.budget),
                "month_to_date_usd": money_str(o.spent),
                "share": json_value(o.share),
                "days_elapsed": o.days_elapsed,
                "days_in_month": o.days_in_month,
                "elapsed_share": json_value(o.elapsed_share),
                "run_rate_usd_per_day": json_value(o.run_rate),
                "run_rate_days": o.run_rate_days,
                "forecast_month_end_usd": json_value(o.forecast),
                "forecast_share": json_value(o.forecast_share),
                "runs_out_on": json_value(o.runs_out),
                "exhausted": o.exhausted,
            },
            "tenants": [t.as_dict() for t in self.tenants],
            "notes": list(self.notes),
        }


def _sort_key(t: TenantBudget) -> tuple[int, int, float, Decimal, str]:
    u = t.utilisation
    return (0 if u is not None else 1, -t.days_over_daily, -(u or 0.0), -t.pace.spent, tenant_label(t.tenant))


def budget_span(settings: Settings, as_of: date) -> Span:
    """The days a budget report of `as_of` reads: its month and the forecast's run-rate days."""
    start = month_start(as_of)
    return Span(
        min(start, as_of - timedelta(days=settings.budgets.forecast_days - 1)), as_of + timedelta(days=1)
    )


def budget_needs(facts: Facts, settings: Settings) -> None:
    """Declare on `facts` (an evaluation's, shared) what `budget_report(..., facts=facts)` reads."""
    facts.need("tenant_days", budget_span(settings, facts.day))


def budget_report(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    as_of: date,
    *,
    cost_mode: str = "derived",
    facts: Facts | None = None,
) -> BudgetReport:
    """The month of `as_of`, counted through the end of `as_of` (a UTC day). `facts` may be an
    alerts evaluation's of the same day and cost mode, declared with `budget_needs` before its
    first read: its tenant days then serve both (days beyond the budget's span are left out)."""
    budgets = settings.budgets
    start = month_start(as_of)
    span = budget_span(settings, as_of)
    if facts is None:
        facts = Facts(con, as_of, cost_mode)
        budget_needs(facts, settings)
    elif facts.day != as_of or facts.cost_mode != cost_mode:
        raise ValueError("facts were prepared for another day or cost mode")
    first = facts.extent().first_day
    org_daily: dict[date, Decimal] = defaultdict(lambda: ZERO)
    tenants: list[TenantBudget] = []
    unpriced_total = 0
    for tenant, read in facts.tenant_days().items():
        days = {d: c for d, c in read.items() if span.start <= d < span.end}
        for d, c in days.items():
            org_daily[d] += c.cost
        month_days = {d: c for d, c in days.items() if start <= d <= as_of}
        if not month_days:
            continue
        plan_name = settings.plan_of(tenant)
        plan = settings.limits_of(tenant)
        daily_limit = plan.daily_usd if plan else None
        max_on = max(month_days, key=lambda d: (month_days[d].cost, d))
        unpriced = sum(c.unpriced for c in month_days.values())
        unpriced_total += unpriced
        tenants.append(
            TenantBudget(
                tenant=tenant,
                plan=plan_name,
                daily_limit=daily_limit,
                day_spend=days[as_of].cost if as_of in days else ZERO,
                max_day=month_days[max_on].cost,
                max_day_on=max_on,
                days_over_daily=sum(
                    1 for c in month_days.values() if daily_limit is not None and c.cost > daily_limit
                ),
                pace=pace(
                    {d: c.cost for d, c in days.items()},
                    as_of,
                    plan.monthly_usd if plan else None,
                    budgets.forecast_days,
                    first,
                ),
                unpriced=unpriced,
            )
        )
    tenants.sort(key=_sort_key)
    org = pace(dict(org_daily), as_of, settings.org_budget, budgets.forecast_days, first)
    report = BudgetReport(start, as_of, cost_mode, org, tenants)
    if first is not None and not tenants:
        report.notes.append(_empty_month(facts.extent(), start, as_of))
    report.notes.extend(_notes(report, settings, first, unpriced_total))
    report.notes.extend(_billing_notes(con, settings))
    return report


def _billing_notes(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Where the plans came from, and the billing system's tenants the warehouse has never seen."""
    if settings.billing_source is None:
        return []
    from llmcost.queries import plans as billing

    notes = [
        f"plans and monthly limits of {len(settings.billing_plans)} tenant(s) from {settings.billing_source}; "
        "[budgets] for the rest"
    ]
    if (
        settings.budgets.org_monthly_usd is not None
        and settings.org_budget != settings.budgets.org_monthly_usd
    ):
        notes.append(f"org budget: {settings.org_budget_source} (not [budgets] org_monthly_usd)")
    names = billing.unknown(con, set(settings.billing_plans))
    if names:
        notes.append(billing.unknown_text(names, settings.billing_source))
    return notes


def _empty_month(ext: Extent, start: date, as_of: date) -> str:
    """No request this month (so far): where the data is, and the --month (or, when the data is
    later in this same month, the --at) that reaches it."""
    from llmcost.queries import extent

    held = extent.Extent(ext.first_request, ext.latest_request, 1)
    asked = f"in {start:%B %Y}" + ("" if as_of == month_end(start) else f" (through {as_of})")
    latest = ext.latest_request.astimezone(UTC).date() if ext.latest_request else as_of
    flag = "--at" if month_start(latest) == start else "--month"
    return extent.empty_window(held, asked, flag)


def _notes(report: BudgetReport, settings: Settings, first: date | None, unpriced: int) -> list[str]:
    notes = []
    budgets = settings.budgets
    if settings.org_budget is None:
        notes.append("no org budget: set [budgets] org_monthly_usd to see pace and the day it runs out")
    if first is None:
        notes.append("the warehouse holds no requests yet")
    elif report.org.run_rate_days < budgets.forecast_days and not report.complete:
        notes.append(
            f"the run rate averages {report.org.run_rate_days} day(s), not {budgets.forecast_days}: "
            "the warehouse starts on " + first.isoformat()
        )
    unmapped = report.unmapped
    if unmapped:
        spend = sum((t.pace.spent for t in unmapped), ZERO)
        notes.append(
            f"{len(unmapped)} tenant(s) with spend this month have no plan ({fmt.usd(spend)}): "
            "map them in [budgets.tenants], budgets.tenants_file or set budgets.default_plan"
        )
    if unpriced:
        notes.append(
            f"{unpriced:,} request(s) this month have no cost under this cost mode (unpriced): "
            "dollar figures leave them out"
        )
    return notes
