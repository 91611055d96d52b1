"""Alerts and budgets as text: Markdown (`--format md`), chat text (the webhook's Slack `text`),
the cell values the HTML report shows, and the terminal tables (llmcost.report.grid). Numbers
read as `llmcost.numbers` says."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from llmcost import numbers as fmt
from llmcost.alerts.budgets import BudgetReport, TenantBudget
from llmcost.alerts.model import Alert, Evaluation, Number
from llmcost.alerts.rules import tenant_label
from llmcost.redact import redact
from llmcost.report.grid import KEEP, Col, Grid, print_grid, print_hanging
from llmcost.report.text import shown, visible

if TYPE_CHECKING:
    from rich.console import Console


def value(v: Number | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "usd":
        return fmt.usd(Decimal(v) if not isinstance(v, Decimal) else v)
    if unit == "share":
        return fmt.percent(float(v))
    if unit == "tokens":
        return fmt.tokens(round(v)) if isinstance(v, int) or float(v) >= 100 else fmt.decimal(v, "0.01")
    if unit == "ratio":
        return fmt.times(float(v))
    return fmt.count(int(v))


def summary(ev: Evaluation) -> str:
    alerts = ev.alerts
    if not alerts:
        evaluated = sum(1 for r in ev.results if r.status.value in ("ok", "fired"))
        return f"No alerts for {ev.day} ({evaluated} of {len(ev.results)} rules evaluated)."
    crit = sum(1 for a in alerts if a.severity.value == "critical")
    parts = [f"{crit} critical"] if crit else []
    if len(alerts) - crit:
        parts.append(f"{len(alerts) - crit} warning")
    return f"{len(alerts)} alert(s) for {ev.day}: {', '.join(parts)}."


ALERT_COLUMNS = ("severity", "rule", "subject", "observed", "threshold", "baseline", "window", "action")


def alert_cells(a: Alert) -> list[str]:
    return [
        a.severity.value,
        a.rule.value,
        f"{a.subject_kind}={a.subject}" if a.subject_kind not in ("org", "warehouse") else a.subject,
        value(a.observed, a.unit),
        value(a.threshold, a.unit),
        value(a.baseline, a.unit),
        a.window.label(),
        a.action,
    ]


# What could end a cell, start a link, HTML, an entity or a code span. Emphasis characters stay as
# they are: tenant ids like t_b read as written, and emphasis cannot run code or break the table.
_MD_STRUCTURE = re.compile(r"([\\`\[\]<>|&])")


def _md_cell(text: str) -> str:
    """Literal text in a Markdown table cell or list item: secrets redacted, line breaks and other
    invisible characters escaped, nothing becomes a column break, a link or HTML."""
    return _MD_STRUCTURE.sub(r"\\\1", visible(redact(text)))


def _md_table(header: list[str] | tuple[str, ...], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return out


def markdown(ev: Evaluation) -> str:
    lines = [f"# llmcost alerts for {ev.day}", "", f"{summary(ev)} Cost mode: {ev.cost_mode}.", ""]
    alerts = ev.alerts
    if alerts:
        lines += _md_table(ALERT_COLUMNS, [alert_cells(a) for a in alerts])
        lines.append("")
        lines += [f"- **{a.rule.value}**: {_md_cell(a.message)}" for a in alerts]
        lines.append("")
    lines += ["## Rules", ""]
    lines += _md_table(
        ("rule", "status", "alerts", "notes"),
        [[r.rule.value, r.status.value, str(len(r.alerts)), " ".join(r.notes) or "-"] for r in ev.results],
    )
    if ev.notes:
        lines += ["", "## Notes", ""] + [f"- {_md_cell(n)}" for n in ev.notes]
    return "\n".join(lines) + "\n"


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chat_text(ev: Evaluation, limit: int = 20) -> str:
    """Slack-compatible `text` (mrkdwn): a summary line, then one line per alert with its action."""
    alerts = ev.alerts
    lines = [f"*llmcost*: {_slack_escape(summary(ev))}"]
    for a in alerts[:limit]:
        lines.append(
            f"• *{a.severity.value}* `{a.rule.value}` {_slack_escape(a.subject)}: {_slack_escape(a.message)}"
            f" → _{_slack_escape(a.action)}_"
        )
    if len(alerts) > limit:
        lines.append(f"… and {len(alerts) - limit} more (see the structured `alerts`)")
    return "\n".join(lines)


# -- budgets ----------------------------------------------------------------------------------

TENANT_COLUMNS = (
    "tenant",
    "plan",
    "day",
    "daily limit",
    "max day",
    "days over",
    "month to date",
    "monthly limit",
    "month used",
    "forecast",
    "runs out",
)


def share(v: float | None) -> str:
    return fmt.percent(v) if v is not None else "-"


def tenant_cells(t: TenantBudget) -> list[str]:
    p = t.pace
    return [
        tenant_label(t.tenant),
        t.plan or "-",
        fmt.usd(t.day_spend),
        fmt.usd(t.daily_limit) if t.daily_limit is not None else "-",
        f"{fmt.usd(t.max_day)} ({t.max_day_on:%m-%d})" if t.max_day_on else "-",
        str(t.days_over_daily) if t.daily_limit is not None else "-",
        fmt.usd(p.spent),
        fmt.usd(p.budget) if p.budget is not None else "-",
        share(p.share),
        fmt.usd(p.forecast) if p.forecast is not None else "-",
        p.runs_out.isoformat() if p.runs_out else "-",
    ]


def org_lines(r: BudgetReport) -> list[str]:
    o = r.org
    month = r.month.strftime("%B %Y")
    state = "complete" if r.complete else f"through {r.as_of} (day {o.days_elapsed} of {o.days_in_month})"
    lines = [f"{month}, {state}; cost mode {r.cost_mode}."]
    spent = f"Org spend {fmt.usd(o.spent)}"
    if o.budget is not None:
        spent += f" of a {fmt.usd(o.budget)} budget ({share(o.share)} used, {share(o.elapsed_share)} of the month gone)"
    lines.append(spent + ".")
    if o.forecast is not None and not r.complete:
        fc = f"Forecast month-end {fmt.usd(o.forecast)} at {fmt.usd_or(o.run_rate)}/day over {o.run_rate_days} day(s)"
        if o.budget is not None:
            fc += f" ({share(o.forecast_share)} of budget)"
        lines.append(fc + ".")
    if o.budget is not None:
        if o.exhausted:
            lines.append(f"The budget ran out on {o.runs_out}.")
        elif o.runs_out is not None:
            lines.append(f"At this rate the budget runs out on {o.runs_out}.")
        elif not r.complete:
            lines.append("At this rate the budget lasts the month.")
    return lines


def budgets_markdown(r: BudgetReport, top: int | None = None) -> str:
    lines = [f"# llmcost budgets for {r.month:%Y-%m}", "", *org_lines(r), ""]
    tenants = r.tenants[:top] if top else r.tenants
    lines += _md_table(TENANT_COLUMNS, [tenant_cells(t) for t in tenants])
    if top and len(r.tenants) > top:
        lines += ["", f"{len(r.tenants) - top} more tenant(s) not shown (--top {top})."]
    if r.notes:
        lines += ["", "## Notes", ""] + [f"- {_md_cell(n)}" for n in r.notes]
    return "\n".join(lines) + "\n"


# -- the terminal --------------------------------------------------------------------------------


# How much each column is worth keeping on a narrow terminal (llmcost.report.grid): 0 goes first.
_ALERT_KEEP = {"threshold": 1, "baseline": 0, "window": 1}
_NUMBERS = ("observed", "threshold", "baseline")
_TENANT_KEEP = {"tenant": KEEP, "month to date": KEEP, "month used": KEEP, "max day": 0, "days over": 0}


def alerts_grid(alerts: list[Alert]) -> Grid:
    grid = Grid([Col(n, n in _NUMBERS, _ALERT_KEEP.get(n, KEEP)) for n in ALERT_COLUMNS[:-1]])
    for a in alerts:
        cells = alert_cells(a)[:-1]
        style = "bold red" if a.severity.value == "critical" else "yellow"
        grid.add((cells[0], style), *cells[1:])
    return grid


def budgets_grid(tenants: list[TenantBudget]) -> Grid:
    grid = Grid(
        [Col(n, n not in ("tenant", "plan", "runs out"), _TENANT_KEEP.get(n, 1)) for n in TENANT_COLUMNS]
    )
    for t in tenants:
        over = (t.utilisation or 0.0) > 1
        grid.add(*tenant_cells(t), style="red" if over else "")
    return grid


def print_alerts(ev: Evaluation, console: Console) -> None:
    """The evaluation for the terminal: summary line, the alerts table, each message and action, notes."""
    from rich.text import Text

    alerts = ev.alerts
    console.print(Text(summary(ev) + f" Cost mode: {ev.cost_mode}."), markup=False, highlight=False)
    if alerts:
        print_grid(alerts_grid(alerts), console)
        for i, a in enumerate(alerts, start=1):
            print_hanging(console, a.message, f"{i}. ", "   ")
            print_hanging(console, a.action, "   action: ", "   ")
    notes = ev.all_notes()
    if notes:
        console.print(Text("notes:"), markup=False, highlight=False)
        for n in notes:
            print_hanging(console, n, "- ")


def print_budgets(report: BudgetReport, console: Console, top: int | None) -> None:
    """Budgets for the terminal: the org lines, the first `top` tenants (over a limit in red), notes."""
    from rich.text import Text

    for line in org_lines(report):
        console.print(Text(shown(line)), markup=False, highlight=False)
    tenants = report.tenants[:top] if top else report.tenants
    if tenants:
        print_grid(budgets_grid(tenants), console)
    if top and len(report.tenants) > top:
        console.print(
            Text(f"{len(report.tenants) - top} more tenant(s) not shown (--top {top})."), markup=False
        )
    if report.notes:
        console.print(Text("notes:"), markup=False, highlight=False)
        for n in report.notes:
            print_hanging(console, n, "- ")
