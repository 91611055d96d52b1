"""The HTML report: one self-contained file with the four day-one dashboards (spend by feature per
day, top tenants over 24h and 7d, tokens per successful action, cost by model), the headline
figures, alerts and budgets, input vs output, retrieval vs generation, failed-call cost and the
data-quality facts.

    from llmcost.report.html import collect, render_html
    dashboard = collect(con, scope, settings=settings, catalog=catalog)
    text = render_html(dashboard)

What the file promises:
- Offline and private: the charting library (Chart.js, vendored under templates/vendor/ with its
  licence) and every style and script are inlined; a Content-Security-Policy allows only those
  scripts and that style, by hash, and no connection, font, frame or image from anywhere.
- Small whatever the warehouse: only aggregates are embedded (days x top features, top tenants,
  models, ...), so the size depends on the window's days and the top-N, never on the requests.
- Values from logs are text: jinja2 autoescapes every cell, invisible and bidi characters are
  shown as escapes (as in the terminal), charts draw labels on a canvas, and the embedded JSON
  escapes `<`, `>`, `&`, U+2028 and U+2029, so no tenant name can close its `<script>` element.
- The numbers are the JSON report's: each section embeds `jsonfmt.document()` of the report it
  draws (time series trimmed to the columns drawn), and every chart value is that exact string.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import orjson

from llmcost.queries.exact import per_unit, share
from llmcost.queries.model import Column, Kind, Report
from llmcost.report.cells import human, machine, usd
from llmcost.report.jsonfmt import document, warnings
from llmcost.report.layout import shown_columns
from llmcost.report.text import visible
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

    from llmcost.alerts import BudgetReport, Evaluation, Settings
    from llmcost.pricing import Catalog
    from llmcost.pricing.check import CheckResult
    from llmcost.queries.scope import Scope

DEFAULT_DAYS = 30  # an open --since shows the 30 days before the end of the window
TOP_FEATURES = 8
TOP_TENANTS = 10
TOP_MODELS = 12
TOP_BUDGETS = 25
MAX_UNIT_SERIES = 4
MAX_ALERTS = 50

# Columns of the time series embedded in the file: the rest of a daily row is in `llmcost view daily`.
DAILY_KEEP = ("day", "feature", "requests", "cost_usd", "unpriced_requests")
UNIT_KEEP = ("day", "requests", "cost_usd", "events", "cost_per_success", "tokens_per_success")

SQL = SqlFiles("llmcost.queries")


@dataclass(frozen=True)
class UnitSeries:
    """Tokens and cost per success of one outcome event, in the feature that emits it, per day."""

    event: str
    feature: str | None  # None: the event comes with no feature (all features' spend counts)
    report: Report

    @property
    def label(self) -> str:
        return (
            f"{visible(self.feature) if self.feature is not None else 'all features'} · {visible(self.event)}"
        )


@dataclass
class Dashboard:
    generated_at: datetime
    scope: Scope  # the resolved window: both bounds set
    anchor: datetime
    headline: Report
    previous: Report
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
    alerts: Evaluation | None = None
    budgets: BudgetReport | None = None
    pricing: CheckResult | None = None
    catalog: str | None = None
    notes: list[str] = field(default_factory=list)


# -- collecting the aggregates -------------------------------------------------------------------


def _midnight_after(at: datetime, tz: str) -> datetime:
    local = at.astimezone(ZoneInfo(tz))
    nxt = (local + timedelta(days=1)).date()
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _days_before(at: datetime, days: int, tz: str) -> datetime:
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
        anchor = _midnight_after(latest if latest is not None else now, w.tz)
    since = w.since if w.since is not None else _days_before(anchor, DEFAULT_DAYS, w.tz)
    return Scope(Window(since, anchor, w.tz), scope.filters, scope.cost_mode), anchor


def _shifted(scope: Scope, since: datetime, until: datetime) -> Scope:
    from llmcost.queries.scope import Scope
    from llmcost.window import Window

    return Scope(Window(since, until, scope.window.tz), scope.filters, scope.cost_mode)


def _unit_series(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[list[UnitSeries], int | None]:
    """One series per (event, feature that emits it), the most frequent first; and the number of
    outcome events in the window. Outcomes carry tenant, feature and user only: a scope filtered
    on another dimension (model, ...) has no unit economics."""
    from llmcost.queries.dimensions import DIMENSIONS, Filter
    from llmcost.queries.scope import Scope
    from llmcost.queries.unit import UNIT_FILTERS, UnitQuery, unit

    if any(f.dimension.name not in UNIT_FILTERS for f in scope.filters):
        return [], None
    where = scope.where("o")
    sql = (
        "SELECT o.event, o.feature, count(*) AS n FROM outcomes AS o "  # noqa: S608 -- fragments from Scope; values bound
        f"WHERE {where} GROUP BY ALL ORDER BY n DESC, o.event, o.feature NULLS LAST"
    )
    pairs = sqlrun.run(con, sql, scope.params())
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


def _bounds(scope: Scope) -> tuple[datetime, datetime]:
    w = scope.window
    assert w.since is not None and w.until is not None, "resolve_window first"
    return w.since, w.until


def collect(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    settings: Settings | None = None,
    catalog: Catalog | None = None,
    now: datetime | None = None,
) -> Dashboard:
    """Run every query the HTML report draws (aggregates only; each is one scan of the window)."""
    from llmcost.queries import views
    from llmcost.queries.spend import SpendQuery, spend

    now = now or datetime.now(UTC)
    scope, anchor = resolve_window(con, scope, now)
    since, until = _bounds(scope)
    tz = scope.window.tz
    length = until - since
    week = _days_before(until, 7, tz)
    dash = Dashboard(
        generated_at=now,
        scope=scope,
        anchor=anchor,
        headline=spend(con, SpendQuery((), scope), title="Spend"),
        previous=spend(con, SpendQuery((), _shifted(scope, since - length, since)), title="Previous period"),
        last7=spend(con, SpendQuery((), _shifted(scope, week, until)), title="Last 7 days"),
        prior7=spend(
            con, SpendQuery((), _shifted(scope, _days_before(week, 7, tz), week)), title="7 days before"
        ),
        daily=views.daily(con, scope, top=TOP_FEATURES),
        tenants=views.top_tenants(con, scope, anchor=anchor, top=TOP_TENANTS),
        models=views.models(con, scope, top=TOP_MODELS),
        io=views.io_share(con, scope, top=TOP_FEATURES),
        stages=views.retrieval(con, scope),
        failures=views.failures(con, scope),
    )
    dash.units, dash.successes = _unit_series(con, scope)
    if dash.successes is None:
        dash.notes.append(
            "unit economics need filters on tenant, feature or user only (outcome events carry no others)"
        )
    if settings is not None:
        from llmcost.alerts import budget_report, evaluate

        day = min((anchor - timedelta(days=1)).astimezone(UTC).date(), now.date())
        dash.alerts = evaluate(con, settings, day, cost_mode=scope.cost_mode, now=now)
        dash.budgets = budget_report(con, settings, day, cost_mode=scope.cost_mode)
    if catalog is not None:
        from llmcost.pricing.check import check
        from llmcost.window import Window as PricingWindow

        dash.pricing = check(con, catalog, window=PricingWindow(since, until))
        dash.catalog = catalog.info.describe()
    return dash


# -- shaping for the page ------------------------------------------------------------------------


def _trimmed(report: Report, keep: tuple[str, ...]) -> dict[str, Any]:
    doc = document(report)
    doc["columns"] = [c for c in doc["columns"] if c["name"] in keep]
    doc["rows"] = [{k: v for k, v in r.items() if k in keep or k == "other"} for r in doc["rows"]]
    return doc


def _exact(report: Report, name: str, value: Any) -> Any:
    return machine(report.column(name), value)


def _label(value: Any) -> str:
    return "(none)" if value is None else visible(str(value))


def _table(report: Report, skip: tuple[str, ...] = (), totals: bool = True) -> dict[str, Any]:
    """Cells as people read them, with the exact value to sort by."""
    cols = [c for c in shown_columns(report) if c.name not in skip]

    def cell(c: Column, row: dict[str, Any]) -> dict[str, Any]:
        v = row.get(c.name)
        if c.kind is Kind.DIMENSION:
            return {"text": _label(v) if not row.get("other") or v is not None else "(other)", "v": None}
        exact = machine(c, v)
        return {"text": human(c, v), "v": exact if exact is not None else ""}

    rows = [{"cells": [cell(c, r) for c in cols], "other": bool(r.get("other"))} for r in report.rows]
    foot = None
    if totals and report.totals is not None:
        foot = [
            {"text": "total", "v": None} if c.kind is Kind.DIMENSION else cell(c, report.totals) for c in cols
        ]
        foot = [
            f if i == 0 or cols[i].kind is not Kind.DIMENSION else {"text": "", "v": None}
            for i, f in enumerate(foot)
        ]
    return {
        "columns": [{"title": c.title, "numeric": c.kind is not Kind.DIMENSION} for c in cols],
        "rows": rows,
        "totals": foot,
    }


def _series_chart(
    chart_id: str, kind: str, unit: str, labels: list[str], datasets: list[tuple[str, list[Any]]], **opts: Any
) -> dict[str, Any]:
    return {
        "id": chart_id,
        "type": kind,
        "unit": unit,
        "labels": labels,
        "datasets": [{"label": name, "values": values} for name, values in datasets],
        **opts,
    }


def _daily_chart(r: Report) -> dict[str, Any]:
    days = sorted({str(row["day"]) for row in r.rows})
    order: list[str] = []
    cost_of: dict[str, Decimal] = {}
    for row in r.rows:
        name = "(other)" if row.get("other") else _label(row["feature"])
        cost_of[name] = cost_of.get(name, Decimal(0)) + (row["cost_usd"] or Decimal(0))
    order = sorted(cost_of, key=lambda n: (n == "(other)", -cost_of[n], n))
    grid: dict[str, dict[str, Any]] = {n: {} for n in order}
    for row in r.rows:
        name = "(other)" if row.get("other") else _label(row["feature"])
        grid[name][str(row["day"])] = _exact(r, "cost_usd", row["cost_usd"])
    return _series_chart(
        "chart-daily", "bar", "usd", days, [(n, [grid[n].get(d) for d in days]) for n in order], stacked=True
    )


def _bar_chart(chart_id: str, r: Report, label: Any, metric: str, unit: str, **opts: Any) -> dict[str, Any]:
    rows = [row for row in r.rows if not row.get("other")] + [row for row in r.rows if row.get("other")]
    names = ["(other)" if row.get("other") else label(row) for row in rows]
    values = [_exact(r, metric, row[metric]) for row in rows]
    return _series_chart(chart_id, "bar", unit, names, [(r.column(metric).title, values)], **opts)


def _io_chart(r: Report) -> dict[str, Any]:
    names = ["(other)" if row.get("other") else _label(row["feature"]) for row in r.rows]
    return _series_chart(
        "chart-io",
        "bar",
        "tokens",
        names,
        [
            ("input tokens", [row["input_tokens"] for row in r.rows]),
            ("output tokens", [row["output_tokens"] for row in r.rows]),
        ],
        stacked=True,
        horizontal=True,
    )


def _unit_chart(units: list[UnitSeries]) -> dict[str, Any]:
    days = sorted({str(row["day"]) for u in units for row in u.report.rows})
    datasets = []
    for u in units:
        by_day = {str(row["day"]): row for row in u.report.rows}
        col = u.report.column("tokens_per_success")
        datasets.append(
            (u.label, [machine(col, by_day[d]["tokens_per_success"]) if d in by_day else None for d in days])
        )
    return _series_chart("chart-unit", "line", "tokens", days, datasets)


def _change(now: Report, before: Report) -> dict[str, Any]:
    a = (now.totals or {}).get("cost_usd")
    b = (before.totals or {}).get("cost_usd")
    if a is None or not b:
        return {"text": "n/a", "detail": "no priced spend in the period before", "direction": "flat"}
    ratio = (a - b) / b
    pct = f"{ratio * 100:+.1f}%"
    return {
        "text": pct,
        "detail": f"{usd(a)} vs {usd(b)}",
        "direction": "up" if ratio > 0 else "down" if ratio < 0 else "flat",
    }


_TOKEN_COLUMNS = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
)


def _when(at: datetime | None, tz: str) -> str:
    """An instant as a reader of the zone says it: a date at midnight, else date and time."""
    if at is None:
        return "open"
    local = at.astimezone(ZoneInfo(tz))
    return (
        local.strftime("%Y-%m-%d")
        if local.time() == datetime.min.time()
        else local.strftime("%Y-%m-%d %H:%M")
    )


def _span(d: Dashboard) -> str:
    since, until = _bounds(d.scope)
    days = (until - since) / timedelta(days=1)
    return f"{days:g} days ({d.scope.window.tz})" if days == int(days) else d.scope.window.describe()


def _headline(d: Dashboard) -> list[dict[str, Any]]:
    t = d.headline.totals or {}
    cost = t.get("cost_usd")
    requests = int(t.get("requests") or 0)
    unpriced = int(t.get("unpriced_requests") or 0)
    col = d.headline.column
    cards = [
        {
            "label": "Spend",
            "value": human(col("cost_usd"), cost),
            "exact": machine(col("cost_usd"), cost),
            "detail": _span(d),
        },
        {
            "label": "Requests",
            "value": f"{requests:,}",
            "detail": f"{int(t.get('failures') or 0):,} did not succeed",
        },
        {
            "label": "Cost per request",
            "value": human(col("cost_per_request"), t.get("cost_per_request")),
            "exact": machine(col("cost_per_request"), t.get("cost_per_request")),
            "detail": "spend / priced requests",
        },
    ]
    per_success = per_unit(cost, d.successes) if d.successes and requests else None
    cards.append(
        {
            "label": "Cost per successful action",
            "value": usd(per_success) if per_success is not None else "n/a",
            "exact": f"{per_success:f}" if per_success is not None else None,
            "detail": f"all spend / {d.successes:,} outcome events"
            if d.successes is not None
            else "not available for this filter",
        }
    )
    unpriced_share = share(unpriced, requests)
    cards.append(
        {
            "label": "Unpriced requests",
            "value": f"{unpriced_share * 100:.1f}%" if unpriced_share is not None else "n/a",
            "detail": f"{unpriced:,} of {requests:,}: left out of costs, never $0",
            "warn": unpriced > 0,
        }
    )
    change = _change(d.headline, d.previous)
    cards.append(
        {
            "label": "vs previous period",
            "value": change["text"],
            "detail": change["detail"],
            "direction": change["direction"],
        }
    )
    week = _change(d.last7, d.prior7)
    cards.append(
        {
            "label": "Last 7 days vs the 7 before",
            "value": week["text"],
            "detail": week["detail"],
            "direction": week["direction"],
        }
    )
    return cards


def _alerts_view(ev: Evaluation | None) -> dict[str, Any] | None:
    if ev is None:
        return None
    from llmcost.alerts.text import ALERT_COLUMNS, alert_cells, summary

    rows = [
        {
            "severity": a.severity.value,
            "cells": [visible(c) for c in alert_cells(a)],
            "message": visible(a.message),
        }
        for a in ev.alerts[:MAX_ALERTS]
    ]
    return {
        "summary": summary(ev),
        "columns": list(ALERT_COLUMNS),
        "rows": rows,
        "more": max(0, len(ev.alerts) - MAX_ALERTS),
        "rules": [
            {"rule": r.rule.value, "status": r.status.value, "notes": visible(" ".join(r.notes))}
            for r in ev.results
        ],
    }


def _budgets_view(b: BudgetReport | None) -> dict[str, Any] | None:
    if b is None:
        return None
    from llmcost.alerts.text import TENANT_COLUMNS, org_lines, tenant_cells

    shown = b.tenants[:TOP_BUDGETS]
    rows = [tenant_cells(t) for t in shown]
    # Columns that say "-" for every tenant shown (no monthly limits, say) only take room.
    keep = [i for i in range(len(TENANT_COLUMNS)) if i == 0 or any(r[i] != "-" for r in rows)]
    text_columns = {"tenant", "plan", "runs out"}
    tenants = [
        {
            "cells": [
                {"text": visible(r[i]), "numeric": TENANT_COLUMNS[i] not in text_columns} for i in keep
            ],
            "utilisation": t.utilisation,
            "over": (t.utilisation or 0.0) > 1,
        }
        for t, r in zip(shown, rows, strict=True)
    ]
    o = b.org
    return {
        "lines": [visible(x) for x in org_lines(b)],
        "org_share": o.share,
        "org_forecast_share": float(o.forecast / o.budget) if o.forecast is not None and o.budget else None,
        "columns": [
            {"title": TENANT_COLUMNS[i], "numeric": TENANT_COLUMNS[i] not in text_columns} for i in keep
        ],
        "tenants": tenants,
        "more": max(0, len(b.tenants) - TOP_BUDGETS),
        "notes": [visible(n) for n in b.notes],
    }


def _quality_view(d: Dashboard) -> dict[str, Any]:
    q = d.headline.quality
    drift = []
    stale = 0
    if d.pricing is not None:
        stale = d.pricing.stale
        for x in d.pricing.drift:
            pct = x.percent
            drift.append(
                {
                    "provider": _label(x.provider),
                    "model": _label(x.model),
                    "requests": f"{x.requests:,}",
                    "logged": usd(x.logged_cost),
                    "derived": usd(x.derived_cost),
                    "delta": usd(x.delta),
                    "pct": "-" if pct is None else f"{pct:+}%",
                    "v": [
                        None,
                        None,
                        x.requests,
                        f"{x.logged_cost:f}",
                        f"{x.derived_cost:f}",
                        f"{x.delta:f}",
                        "" if pct is None else f"{pct:f}",
                    ],
                }
            )
    return {
        "facts": [
            ("Rejected lines in the window", f"{q.rejected_in_window:,}"),
            ("Rejected lines with no readable time", f"{q.rejected_undated:,}"),
            ("Unpriced requests", f"{q.unpriced_requests:,} ({q.unpriced_tokens:,} tokens)"),
            ("Timestamps without a zone", f"{q.naive_timestamps:,}"),
            ("Duplicate ids with different content", f"{q.conflicting_duplicates:,} (first loaded counted)"),
            (
                "Requests priced with another catalog",
                f"{stale:,}" if d.pricing is not None else "not checked",
            ),
        ],
        "unpriced": [
            {
                "provider": _label(m.provider),
                "model": _label(m.model),
                "requests": f"{m.requests:,}",
                "tokens": f"{m.tokens:,}",
                "v": [None, None, m.requests, m.tokens],
            }
            for m in q.unpriced_models
        ],
        "drift": drift,
        "warnings": [visible(w) for w in warnings(d.headline)],
    }


def payload(d: Dashboard) -> dict[str, Any]:
    """Everything the page embeds as JSON: the reports (as `--format json` gives them) and the charts."""
    charts = [
        _daily_chart(d.daily),
        _bar_chart(
            "chart-models",
            d.models,
            lambda r: f"{_label(r['provider'])} / {_label(r['model'])}",
            "cost_usd",
            "usd",
            horizontal=True,
        ),
        _unit_chart(d.units),
        _io_chart(d.io),
        _bar_chart("chart-stages", d.stages, lambda r: _label(r["stage"]), "cost_usd", "usd"),
        _bar_chart("chart-failures", d.failures, lambda r: _label(r["outcome"]), "cost_usd", "usd"),
    ]
    reports: dict[str, Any] = {
        "spend": document(d.headline),
        "previous": document(d.previous),
        "daily": _trimmed(d.daily, DAILY_KEEP),
        "top_tenants": document(d.tenants),
        "models": document(d.models),
        "io": document(d.io),
        "retrieval": document(d.stages),
        "failures": document(d.failures),
        "unit": [{"event": u.event, "feature": u.feature, **_trimmed(u.report, UNIT_KEEP)} for u in d.units],
    }
    out: dict[str, Any] = {
        "schema_version": 1,
        "generated_at": d.generated_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "window": d.scope.window.as_dict(),
        "cost_mode": d.scope.cost_mode,
        "catalog": d.catalog,
        "reports": reports,
        "charts": charts,
    }
    if d.alerts is not None:
        doc = d.alerts.as_dict()
        doc["alerts"] = doc["alerts"][:MAX_ALERTS]
        out["alerts"] = doc
    if d.budgets is not None:
        doc = d.budgets.as_dict()
        doc["tenants"] = doc["tenants"][:TOP_BUDGETS]
        out["budgets"] = doc
    return out


# -- the page ------------------------------------------------------------------------------------

# `<`, `>` and `&` (markup), U+2028/9 (line ends to JavaScript), and the invisible and bidi
# characters (so even the page source shows no hidden text): as JSON \u escapes, which parse back
# to exactly the same strings.
_JSON_UNSAFE = re.compile(
    "[<>&\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def script_json(value: Any) -> str:
    """JSON safe inside a `<script type="application/json">` element: nothing in it can end the
    element (`</script>`), open an HTML comment (`<!--`) or end a JavaScript line (U+2028/9)."""
    text = orjson.dumps(value, default=str).decode("utf-8")
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _asset(name: str) -> str:
    return (resources.files("llmcost.report") / "templates" / name).read_text("utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(scripts: list[str], styles: list[str]) -> str:
    """Nothing may load or connect; only these exact inline scripts and styles run."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_csp_hash(s) for s in scripts),
            "style-src " + " ".join(_csp_hash(s) for s in styles),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def render_html(d: Dashboard) -> str:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("llmcost.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    scripts = [_asset("vendor/chart.umd.min.js"), _asset("report.js")]
    styles = [_asset("report.css")]
    w = d.scope.window
    context = {
        "title": "LLM spend report",
        "csp": content_security_policy(scripts, styles),
        "styles": [Markup(s) for s in styles],
        "scripts": [Markup(s) for s in scripts],
        "data": Markup(script_json(payload(d))),
        "meta": {
            "window": w.describe(),
            "since": _when(w.since, w.tz),
            "until": _when(w.until, w.tz),
            "tz": w.tz,
            "cost_mode": d.scope.cost_mode,
            "catalog": d.catalog or ", ".join(d.headline.quality.catalogs) or "no derived prices in scope",
            "generated": d.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "filters": [
                visible(f"{f.dimension.name}{'!=' if f.negate else '='}{f.value or ''}")
                for f in d.scope.filters
            ],
        },
        "cards": _headline(d),
        "tenants": _table(d.tenants),
        "tenant_notes": [visible(n) for n in d.tenants.notes],
        "models": _table(d.models, skip=(*_TOKEN_COLUMNS, "successes", "failures", "share")),
        "io": _table(d.io, skip=("cost_usd", "unpriced_requests", "share", "reasoning_tokens")),
        "stages": _table(d.stages, skip=("unpriced_requests",)),
        "failures": _table(d.failures, skip=_TOKEN_COLUMNS),
        "failure_notes": [visible(n) for n in d.failures.notes],
        "stage_warnings": [visible(x) for x in d.stages.warnings],
        "units": [{"label": u.label, "table": _unit_summary(u)} for u in d.units],
        "unit_notes": d.notes,
        "alerts": _alerts_view(d.alerts),
        "budgets": _budgets_view(d.budgets),
        "quality": _quality_view(d),
        "daily_days": len({r["day"] for r in d.daily.rows}),
    }
    return env.get_template("report.html.j2").render(**context)


def _unit_summary(u: UnitSeries) -> dict[str, Any]:
    t = u.report.totals or {}
    col = u.report.column
    names = ("requests", "cost_usd", "events", "cost_per_success", "tokens_per_success")
    return {n: {"text": human(col(n), t.get(n)), "v": machine(col(n), t.get(n))} for n in names}
