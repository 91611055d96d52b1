"""`llmcost margin`: what each tenant's plan earns after its LLM cost, for one UTC month.

Per tenant: the plan and its monthly price (from the billing system, `[plans]`), the month's LLM
cost under the cost mode, gross margin = price - cost (in dollars, and as a share of the price),
cost as a share of the price, and the features behind the cost. A tenant whose margin share is
under the floor (`[plans] margin_floor`, `--floor`) is flagged; so is a tenant with cost and no
price. Totals by plan tier and overall. Every sum is an exact Decimal; shares are cost/price.

Tenants shown: every tenant the billing system names that the warehouse has seen (a month with no
calls is a $0 cost, a full margin), and every tenant with spend in the month but no plan (its
margin is unknown; a note counts them). Plan rows for tenants never seen are a note.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost import numbers as fmt
from llmcost.queries import plans as billing
from llmcost.queries.dimensions import parse_by
from llmcost.queries.scope import Scope
from llmcost.queries.spend import aggregate
from llmcost.window import Window

if TYPE_CHECKING:
    import duckdb

ZERO = Decimal(0)
SHARE = Decimal("0.000001")
NO_PLAN = "(no plan)"


def _share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


def _share_str(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(SHARE):f}"


def _usd_str(value: Decimal | None) -> str | None:
    return None if value is None else fmt.exact_usd(value)


@dataclass(frozen=True)
class FeatureCost:
    feature: str | None
    cost: Decimal
    share: Decimal | None  # of the tenant's cost


class PriceAgainstCost:
    """What a price keeps after the LLM cost: the gross margin, in dollars and as shares."""

    price: Decimal | None
    cost: Decimal

    @property
    def margin(self) -> Decimal | None:
        return None if self.price is None else self.price - self.cost

    @property
    def margin_share(self) -> Decimal | None:
        return _share(self.margin, self.price)

    @property
    def cost_share(self) -> Decimal | None:
        return _share(self.cost, self.price)


@dataclass(frozen=True)
class TenantMargin(PriceAgainstCost):
    tenant: str | None
    plan: str | None
    price: Decimal | None
    cost: Decimal
    requests: int
    unpriced: int
    features: tuple[FeatureCost, ...]  # most costly first
    floor: float

    @property
    def under_floor(self) -> bool:
        """Flagged: margin share under the floor, or a cost with no price to set against it."""
        if self.price is None or self.price == 0:
            return self.cost > 0
        share = self.margin_share
        return share is not None and share < Decimal(str(self.floor))

    def as_dict(self, top_features: int) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant,
            "plan": self.plan,
            "monthly_price_usd": _usd_str(self.price),
            "llm_cost_usd": _usd_str(self.cost),
            "gross_margin_usd": _usd_str(self.margin),
            "gross_margin_share": _share_str(self.margin_share),
            "llm_cost_share_of_price": _share_str(self.cost_share),
            "under_floor": self.under_floor,
            "requests": self.requests,
            "unpriced_requests": self.unpriced,
            "top_features": [
                {"feature": f.feature, "llm_cost_usd": _usd_str(f.cost), "share": _share_str(f.share)}
                for f in self.features[:top_features]
            ],
        }


@dataclass(frozen=True)
class TierTotal(PriceAgainstCost):
    plan: str
    tenants: int
    price: Decimal | None  # None when no tenant of the tier has a price
    cost: Decimal
    under_floor: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "tenants": self.tenants,
            "monthly_price_usd": _usd_str(self.price),
            "llm_cost_usd": _usd_str(self.cost),
            "gross_margin_usd": _usd_str(self.margin),
            "gross_margin_share": _share_str(self.margin_share),
            "llm_cost_share_of_price": _share_str(self.cost_share),
            "under_floor": self.under_floor,
        }


@dataclass
class MarginReport:
    month: date
    cost_mode: str
    floor: float
    source: str
    tenants: list[TenantMargin]
    tiers: list[TierTotal]
    total: TierTotal
    top_features: int = 3
    notes: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> list[TenantMargin]:
        return [t for t in self.tenants if t.under_floor]

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "report": "margin",
            "month": self.month.strftime("%Y-%m"),
            "cost_mode": self.cost_mode,
            "margin_floor": _share_str(Decimal(str(self.floor))),
            "plans_source": self.source,
            "tenants": [t.as_dict(self.top_features) for t in self.tenants],
            "plans": [t.as_dict() for t in self.tiers],
            "totals": self.total.as_dict(),
            "notes": list(self.notes),
        }


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None:
        return b
    return a if b is None else a + b


def _tier(name: str, members: list[TenantMargin]) -> TierTotal:
    price: Decimal | None = None
    for t in members:
        price = _add(price, t.price)
    return TierTotal(
        plan=name,
        tenants=len(members),
        price=price,
        cost=sum((t.cost for t in members), ZERO),
        under_floor=sum(1 for t in members if t.under_floor),
    )


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _order(t: TenantMargin) -> tuple[int, Decimal, Decimal, str]:
    # Flagged first, then the thinnest margin share, then the largest cost; ties by tenant id.
    share = t.margin_share
    return (
        0 if t.under_floor else 1,
        share if share is not None else Decimal(-(10**9)),
        -t.cost,
        t.tenant or "",
    )


def margin_report(
    con: duckdb.DuckDBPyConnection,
    plans: billing.Plans,
    month: date,
    *,
    cost_mode: str = "derived",
    floor: float = 0.5,
    top_features: int = 3,
    today: date | None = None,
) -> MarginReport:
    """The margin of every tenant in the UTC month starting on `month` (a first of the month)."""
    scope = Scope(Window.of_dates(month, next_month(month)), cost_mode=cost_mode)
    rows = aggregate(con, parse_by(["tenant", "feature"]), scope)
    costs: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    requests: dict[str | None, int] = defaultdict(int)
    unpriced: dict[str | None, int] = defaultdict(int)
    features: dict[str | None, list[tuple[str | None, Decimal]]] = defaultdict(list)
    for r in rows:
        tenant, cost = r["tenant"], r["cost_usd"] or ZERO
        costs[tenant] += cost
        requests[tenant] += r["requests"]
        unpriced[tenant] += r["unpriced_requests"]
        features[tenant].append((r["feature"], cost))
    never_seen = billing.unknown(con, plans.tenants)
    names: set[str | None] = set(costs) | {t for t in plans.tenants if t not in never_seen}
    tenants = []
    for name in names:
        plan = plans.get(name)
        cost = costs[name]
        ranked = sorted(features[name], key=lambda fc: (-fc[1], fc[0] is None, fc[0] or ""))
        tenants.append(
            TenantMargin(
                tenant=name,
                plan=plan.plan if plan else None,
                price=plan.monthly_price_usd if plan else None,
                cost=cost,
                requests=requests[name],
                unpriced=unpriced[name],
                features=tuple(FeatureCost(f, c, _share(c, cost)) for f, c in ranked if c > 0),
                floor=floor,
            )
        )
    tenants.sort(key=_order)
    by_plan: dict[str, list[TenantMargin]] = defaultdict(list)
    for t in tenants:
        by_plan[t.plan or NO_PLAN].append(t)
    tiers = [_tier(p, by_plan[p]) for p in sorted(by_plan, key=lambda p: (p == NO_PLAN, p))]
    report = MarginReport(
        month=month,
        cost_mode=cost_mode,
        floor=floor,
        source=plans.source,
        tenants=tenants,
        tiers=tiers,
        total=_tier("total", tenants),
        top_features=top_features,
    )
    if not rows:
        from llmcost.queries.extent import empty_window_or_none

        empty = empty_window_or_none(con, scope.window, "--month")
        if empty is not None:
            report.notes.append(empty)
    if today is not None and next_month(month) > today:
        report.notes.append(
            f"{month:%B %Y} is not over: LLM cost so far against the whole month's price (margins will shrink)"
        )
    report.notes.extend(_notes(report, never_seen, plans.source))
    return report


def _notes(report: MarginReport, never_seen: list[str], source: str) -> list[str]:
    notes = []
    if not report.tenants:
        notes.append(f"no tenant has a plan or spend in {report.month:%B %Y}")
    flagged = report.flagged
    if flagged:
        notes.append(
            f"{len(flagged)} tenant(s) under the {fmt.percent(report.floor)} margin floor "
            "([plans] margin_floor, --floor) or with cost and no price"
        )
    no_plan = [t for t in report.tenants if t.plan is None]
    if no_plan:
        spend = sum((t.cost for t in no_plan), ZERO)
        notes.append(
            f"{len(no_plan)} tenant(s) with spend in {report.month:%B %Y} have no plan in {source} "
            f"({fmt.usd(spend)}): no margin for them"
        )
    no_price = [t for t in report.tenants if t.plan is not None and t.price is None]
    if no_price:
        notes.append(f"{len(no_price)} tenant(s) have a plan with no monthly_price_usd: no margin for them")
    unpriced = sum(t.unpriced for t in report.tenants)
    if unpriced:
        notes.append(
            f"{unpriced:,} request(s) in {report.month:%B %Y} have no cost under this cost mode (unpriced): "
            "LLM cost leaves them out, so margins read high"
        )
    if never_seen:
        notes.append(billing.unknown_text(never_seen, source))
    return notes
