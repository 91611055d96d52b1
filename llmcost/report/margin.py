"""`llmcost margin` as a terminal table (report/grid.py), Markdown and CSV; JSON is the report's
`as_dict` (schema llmcost.margin/1, docs/json.md).

A tenant under the margin floor (or with cost and no price) reads in red and its margin share
carries a `!`, explained under the table.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from llmcost import numbers as fmt
from llmcost.queries.margin import NO_PLAN, MarginReport, TenantMargin, TierTotal
from llmcost.redact import redact
from llmcost.report.grid import KEEP, Col, Grid, print_grid, print_hanging
from llmcost.report.text import neutral_cell, visible

if TYPE_CHECKING:
    from rich.console import Console

FLAG = "!"
NOT_APPLICABLE = "—"
NOT_LOGGED = "(not logged)"

TENANT_COLUMNS = (
    "tenant",
    "plan",
    "price",
    "LLM cost",
    "margin",
    "margin %",
    "cost % of price",
    "top features",
)
TIER_COLUMNS = ("plan", "tenants", "price", "LLM cost", "margin", "margin %", "cost % of price", "flagged")


def _usd(v: Decimal | None) -> str:
    return NOT_APPLICABLE if v is None else fmt.usd(v)


def _pct(v: Decimal | None) -> str:
    return NOT_APPLICABLE if v is None else fmt.percent(v)


def _features(t: TenantMargin, top: int) -> str:
    parts = [
        f"{f.feature or NOT_LOGGED} {fmt.percent(f.share, '1')}"
        if f.share is not None
        else (f.feature or NOT_LOGGED)
        for f in t.features[:top]
    ]
    return ", ".join(parts) or NOT_APPLICABLE


def tenant_cells(t: TenantMargin, top: int) -> list[str]:
    margin_pct = _pct(t.margin_share) + (FLAG if t.under_floor else "")
    return [
        t.tenant or NOT_LOGGED,
        t.plan or NO_PLAN,
        _usd(t.price),
        fmt.usd(t.cost),
        _usd(t.margin),
        margin_pct,
        _pct(t.cost_share),
        _features(t, top),
    ]


def tier_cells(t: TierTotal) -> list[str]:
    return [
        t.plan,
        fmt.count(t.tenants),
        _usd(t.price),
        fmt.usd(t.cost),
        _usd(t.margin),
        _pct(t.margin_share),
        _pct(t.cost_share),
        fmt.count(t.under_floor),
    ]


def title(r: MarginReport) -> str:
    return f"Gross margin after LLM cost, {r.month:%B %Y}"


def subtitle(r: MarginReport) -> str:
    return f"Cost mode {r.cost_mode}; plans from {r.source}."


def floor_legend(r: MarginReport) -> str:
    return f"under the {fmt.percent(r.floor)} margin floor, or cost with no price"


def tenants_grid(r: MarginReport, tenants: list[TenantMargin]) -> Grid:
    # On a narrow terminal the margin in dollars (price - cost, both shown) and the cost share (100% -
    # margin %) go first; the features behind the cost stay as long as they can.
    keep = {"tenant": KEEP, "plan": KEEP, "LLM cost": KEEP, "margin %": KEEP, "price": 1, "top features": 1}
    cols = [
        Col(n, n not in ("tenant", "plan", "top features"), keep.get(n, 0), wrap=n == "top features")
        for n in TENANT_COLUMNS
    ]
    grid = Grid(cols, marks={FLAG: floor_legend(r)})
    for t in tenants:
        grid.add(*tenant_cells(t, r.top_features), style="red" if t.under_floor else "")
    return grid


def tiers_grid(r: MarginReport) -> Grid:
    keep = {"plan": KEEP, "LLM cost": KEEP, "margin %": KEEP, "price": 1, "margin": 1, "tenants": 1}
    grid = Grid([Col(n, n != "plan", keep.get(n, 0)) for n in TIER_COLUMNS], title="By plan")
    for t in r.tiers:
        grid.add(*tier_cells(t))
    grid.add(*tier_cells(r.total), gap=True, style="bold")
    return grid


def print_margin(r: MarginReport, console: Console, top: int | None = None) -> None:
    from rich.text import Text

    console.print(Text(visible(title(r)), style="bold"), soft_wrap=False)
    print_hanging(console, subtitle(r))
    tenants = r.tenants[:top] if top else r.tenants
    if tenants:
        print_grid(tenants_grid(r, tenants), console)
    if top and len(r.tenants) > top:
        console.print(Text(f"{len(r.tenants) - top} more tenant(s) not shown (--top {top})."), markup=False)
    if r.tiers:
        console.print(Text(""))
        print_grid(tiers_grid(r), console)
    if r.notes:
        console.print(Text("notes:"), markup=False, highlight=False)
        for n in r.notes:
            print_hanging(console, n, "- ")


# As `llmcost budgets -f md`: only what would break the table or make a link or HTML is escaped, so
# tenant ids like t_acme and amounts like $500.00 read as written.
_MD_STRUCTURE = re.compile(r"([\\`\[\]<>|&])")


def markdown_cell(text: str) -> str:
    return _MD_STRUCTURE.sub(r"\\\1", visible(redact(text)))


def _md_table(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in rows]
    return out


def markdown(r: MarginReport, top: int | None = None) -> str:
    tenants = r.tenants[:top] if top else r.tenants
    lines = [f"# {markdown_cell(title(r))}", "", markdown_cell(subtitle(r)), ""]
    lines += _md_table(TENANT_COLUMNS, [tenant_cells(t, r.top_features) for t in tenants])
    if any(t.under_floor for t in tenants):
        lines += ["", f"{FLAG} {markdown_cell(floor_legend(r))}"]
    if top and len(r.tenants) > top:
        lines += ["", f"{len(r.tenants) - top} more tenant(s) not shown (--top {top})."]
    lines += ["", "## By plan", ""]
    lines += _md_table(TIER_COLUMNS, [*(tier_cells(t) for t in r.tiers), tier_cells(r.total)])
    if r.notes:
        lines += ["", "## Notes", ""] + [f"- {markdown_cell(n)}" for n in r.notes]
    return "\n".join(lines) + "\n"


def _text(v: str | None) -> str:
    return "" if v is None else visible(neutral_cell(v))


def _money(v: Decimal | None) -> str:
    return "" if v is None else fmt.exact_usd(v)


def _share(v: Decimal | None) -> str:
    return "" if v is None else f"{v.quantize(Decimal('0.000001')):f}"


CSV_COLUMNS = (
    "row",
    "tenant_id",
    "plan",
    "monthly_price_usd",
    "llm_cost_usd",
    "gross_margin_usd",
    "gross_margin_share",
    "llm_cost_share_of_price",
    "under_floor",
    "top_features",
)


def render_csv(r: MarginReport) -> str:
    """One line per tenant (`row` = tenant), one per plan tier (`plan`) and the `total`; money exact,
    shares as fractions, empty for not applicable."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for t in r.tenants:
        w.writerow(
            [
                "tenant",
                _text(t.tenant),
                _text(t.plan),
                _money(t.price),
                _money(t.cost),
                _money(t.margin),
                _share(t.margin_share),
                _share(t.cost_share),
                "true" if t.under_floor else "false",
                _text(";".join(f.feature or "" for f in t.features[: r.top_features])),
            ]
        )
    for tier, kind in [*((t, "plan") for t in r.tiers), (r.total, "total")]:
        w.writerow(
            [
                kind,
                "",
                _text(tier.plan) if kind == "plan" else "",
                _money(tier.price),
                _money(tier.cost),
                _money(tier.margin),
                _share(tier.margin_share),
                _share(tier.cost_share),
                str(tier.under_floor),
                "",
            ]
        )
    return buf.getvalue()
