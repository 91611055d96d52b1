"""The dashboard as the HTML page shows it: the cells, cards, charts and embedded JSON of a
`llmcost.report.dashboard.Dashboard`, shaped for `templates/report.html.j2`. No HTML here and no
jinja2: `llmcost.report.html` puts these into the page.

- Values from logs are text: invisible and bidi characters are shown as escapes (as in the
  terminal); jinja2 autoescapes them in the page, and charts draw labels on a canvas.
- The numbers are the JSON report's: each section embeds `jsonfmt.document()` of the report it
  draws (time series trimmed to the columns drawn), and every chart value is that exact string;
  the text people read follows `llmcost.numbers`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from llmcost.numbers import count, percent, signed_percent, usd
from llmcost.queries.dashboard import UnitSeries, bounds
from llmcost.queries.exact import per_unit, share
from llmcost.queries.model import Column, DateRange, Kind, Report
from llmcost.report.cells import human, machine
from llmcost.report.facts import range_text
from llmcost.report.jsonfmt import document, schema_tag, warnings
from llmcost.report.layout import shown_columns
from llmcost.report.text import shown, visible

if TYPE_CHECKING:
    from llmcost.alerts import BudgetReport, Evaluation
    from llmcost.report.dashboard import Dashboard

TOP_BUDGETS = 25
MAX_ALERTS = 50

# Columns of the time series embedded in the file: the rest of a daily row is in `llmcost view daily`.
DAILY_KEEP = ("day", "feature", "requests", "cost_usd", "unpriced_requests")
UNIT_KEEP = ("day", "requests", "cost_usd", "events", "cost_per_success", "tokens_per_success")


def unit_label(u: UnitSeries) -> str:
    return f"{visible(u.feature) if u.feature is not None else 'all features'} · {visible(u.event)}"


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
            (
                unit_label(u),
                [machine(col, by_day[d]["tokens_per_success"]) if d in by_day else None for d in days],
            )
        )
    return _series_chart("chart-unit", "line", "tokens", days, datasets)


def _change(now: Report, before: Report) -> dict[str, Any]:
    a = (now.totals or {}).get("cost_usd")
    b = (before.totals or {}).get("cost_usd")
    if a is None or not b:
        return {"text": "n/a", "detail": "no priced spend in the period before", "direction": "flat"}
    ratio = (a - b) / b
    pct = signed_percent(ratio)
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
    since, until = bounds(d.scope)
    days = (until - since) / timedelta(days=1)
    return f"{days:g} days ({d.scope.window.tz})" if days == int(days) else d.scope.window.describe()


def _headline(d: Dashboard) -> list[dict[str, Any]]:
    t = d.reports.headline.totals or {}
    cost = t.get("cost_usd")
    requests = int(t.get("requests") or 0)
    unpriced = int(t.get("unpriced_requests") or 0)
    col = d.reports.headline.column
    cards = [
        {
            "label": "Spend",
            "value": human(col("cost_usd"), cost),
            "exact": machine(col("cost_usd"), cost),
            "detail": _span(d),
        },
        {
            "label": "Requests",
            "value": count(requests),
            "detail": f"{int(t.get('failures') or 0):,} did not succeed",
        },
        {
            "label": "Cost per request",
            "value": human(col("cost_per_request"), t.get("cost_per_request")),
            "exact": machine(col("cost_per_request"), t.get("cost_per_request")),
            "detail": "spend / priced requests",
        },
    ]
    per_success = per_unit(cost, d.reports.successes) if d.reports.successes and requests else None
    cards.append(
        {
            "label": "Cost per successful action",
            "value": usd(per_success) if per_success is not None else "n/a",
            "exact": f"{per_success:f}" if per_success is not None else None,
            "detail": f"all spend / {d.reports.successes:,} outcome events"
            if d.reports.successes is not None
            else "not available for this filter",
        }
    )
    unpriced_share = share(unpriced, requests)
    cards.append(
        {
            "label": "Unpriced requests",
            "value": percent(unpriced_share) if unpriced_share is not None else "n/a",
            "detail": f"{unpriced:,} of {requests:,}: left out of costs, never $0",
            "warn": unpriced > 0,
        }
    )
    change = _change(d.reports.headline, d.reports.previous)
    cards.append(
        {
            "label": "vs previous period",
            "value": change["text"],
            "detail": change["detail"],
            "direction": change["direction"],
        }
    )
    week = _change(d.reports.last7, d.reports.prior7)
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
    from llmcost.report.alerts import ALERT_COLUMNS, alert_cells, summary

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
    from llmcost.report.alerts import TENANT_COLUMNS, org_lines, tenant_cells

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


def _traces_view(d: Dashboard) -> dict[str, Any] | None:
    """The costliest traces and the per-feature cost-per-trace distribution (llmcost.report.traces);
    numeric cells carry their machine value (`v`) so the tables sort by it."""
    r = d.traces
    if r is None:
        return None
    from llmcost.report.traces import (
        PARTLY,
        PARTLY_MEANS,
        dist_cells,
        dist_header,
        notes,
        top_cells,
        top_header,
    )

    def row(header: tuple[str, ...], cells: list[str], text: set[str], values: dict[str, Any]) -> list[Any]:
        return [
            {"text": visible(c), "numeric": name not in text, "v": values.get(name)}
            for name, c in zip(header, cells, strict=True)
        ]

    def money(v: Any) -> str | None:
        return None if v is None else str(v)

    dist_head, top_head = dist_header(r), top_header(r)
    dist_rows = []
    for x in r.distributions:
        values = {
            dist_head[1]: x.units,
            "cost": money(x.cost),
            "p50 cost": money(x.cost_spread.p50),
            "p90 cost": money(x.cost_spread.p90),
            "p99 cost": money(x.cost_spread.p99),
            "max cost": money(x.cost_spread.max),
            "p99 time": x.duration_ms.p99,
        }
        dist_rows.append({"total": x.total, "cells": row(dist_head, dist_cells(x), {"feature"}, values)})
    top_text = {"trace", "session", "tenant", "feature", "first", "models"}
    top_rows = []
    for t in r.top:
        values = {"cost": money(t.cost), "span": t.duration_ms, "tokens": t.tokens, "calls": t.calls}
        top_rows.append(row(top_head, top_cells(r, t), top_text, values))
    return {
        "noun": "session" if r.unit == "session" else "trace",
        "units": r.units,
        "distribution": {
            "columns": [{"title": c, "numeric": c != "feature"} for c in dist_head],
            "rows": dist_rows,
        },
        "top": {"columns": [{"title": c, "numeric": c not in top_text} for c in top_head], "rows": top_rows},
        "legend": visible(f"{PARTLY} {PARTLY_MEANS}")
        if any(t.unpriced and t.cost is not None for t in r.top)
        else "",
        "notes": [visible(n) for n in notes(r)],
    }


def _margin_view(d: Dashboard) -> dict[str, Any] | None:
    m = d.margin
    if m is None:
        return None
    from llmcost.report.margin import (
        TENANT_COLUMNS,
        TIER_COLUMNS,
        floor_legend,
        subtitle,
        tenant_cells,
        tier_cells,
        title,
    )

    text_columns = {"tenant", "plan", "top features"}

    def row(cells: list[str]) -> list[dict[str, Any]]:
        return [
            {"text": visible(c), "numeric": name not in text_columns}
            for name, c in zip(cols, cells, strict=True)
        ]

    cols = TENANT_COLUMNS
    tenants = [
        {"cells": row(tenant_cells(t, m.top_features)), "over": t.under_floor}
        for t in m.tenants[:TOP_BUDGETS]
    ]
    cols = TIER_COLUMNS
    tiers = [{"cells": row(tier_cells(t)), "over": False} for t in [*m.tiers, m.total]]
    return {
        "lines": [visible(title(m)), visible(subtitle(m))],
        "columns": [{"title": c, "numeric": c not in text_columns} for c in TENANT_COLUMNS],
        "tier_columns": [{"title": c, "numeric": c not in text_columns} for c in TIER_COLUMNS],
        "tenants": tenants,
        "tiers": tiers,
        "legend": visible("! " + floor_legend(m)),
        "more": max(0, len(m.tenants) - TOP_BUDGETS),
        "notes": [visible(n) for n in m.notes],
    }


def _quality_view(d: Dashboard) -> dict[str, Any]:
    q = d.reports.headline.quality
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
        "warnings": [visible(w) for w in warnings(d.reports.headline)],
    }


def payload(d: Dashboard) -> dict[str, Any]:
    """Everything the page embeds as JSON: the reports (as `--format json` gives them) and the charts."""
    charts = [
        _daily_chart(d.reports.daily),
        _bar_chart(
            "chart-models",
            d.reports.models,
            lambda r: f"{_label(r['provider'])} / {_label(r['model'])}",
            "cost_usd",
            "usd",
            horizontal=True,
        ),
        _unit_chart(d.reports.units),
        _io_chart(d.reports.io),
        _bar_chart("chart-stages", d.reports.stages, lambda r: _label(r["stage"]), "cost_usd", "usd"),
        _bar_chart("chart-failures", d.reports.failures, lambda r: _label(r["outcome"]), "cost_usd", "usd"),
    ]
    reports: dict[str, Any] = {
        "spend": document(d.reports.headline),
        "previous": document(d.reports.previous),
        "daily": _trimmed(d.reports.daily, DAILY_KEEP),
        "top_tenants": document(d.reports.tenants),
        "models": document(d.reports.models),
        "io": document(d.reports.io),
        "retrieval": document(d.reports.stages),
        "failures": document(d.reports.failures),
        "unit": [
            {"event": u.event, "feature": u.feature, **_trimmed(u.report, UNIT_KEEP)} for u in d.reports.units
        ],
    }
    out: dict[str, Any] = {
        "schema": schema_tag("dashboard"),
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
    if d.margin is not None:
        doc = {"schema": schema_tag("margin"), **d.margin.as_dict()}
        doc["tenants"] = doc["tenants"][:TOP_BUDGETS]
        out["margin"] = doc
    if d.traces is not None:
        out["traces"] = {"schema": schema_tag("traces"), **d.traces.as_dict()}
    return out


def _unit_summary(u: UnitSeries) -> dict[str, Any]:
    t = u.report.totals or {}
    col = u.report.column
    names = ("requests", "cost_usd", "events", "cost_per_success", "tokens_per_success")
    return {n: {"text": human(col(n), t.get(n)), "v": machine(col(n), t.get(n))} for n in names}


def page_context(d: Dashboard) -> dict[str, Any]:
    """What the template shows as text (every value already a string people read), but the
    embedded JSON (`payload`) and the page's assets."""
    w = d.scope.window
    filters = [shown(f.text) for f in d.scope.filters]
    scope = " · ".join(part for part in (range_text(DateRange.of(w)), ", ".join(filters)) if part)
    return {
        "title": "LLM spend report",
        "scope": scope,  # the dates covered and the filters, in the page's title and heading
        "meta": {
            "window": w.describe(),
            "since": _when(w.since, w.tz),
            "until": _when(w.until, w.tz),
            "tz": w.tz,
            "cost_mode": d.scope.cost_mode,
            "catalog": d.catalog
            or ", ".join(d.reports.headline.quality.catalogs)
            or "no derived prices in scope",
            "generated": d.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "filters": filters,
        },
        "cards": _headline(d),
        "tenants": _table(d.reports.tenants),
        "tenant_notes": [visible(n) for n in d.reports.tenants.notes],
        "models": _table(d.reports.models, skip=(*_TOKEN_COLUMNS, "successes", "failures", "share")),
        "io": _table(d.reports.io, skip=("cost_usd", "unpriced_requests", "share", "reasoning_tokens")),
        "stages": _table(d.reports.stages, skip=("unpriced_requests",)),
        "failures": _table(d.reports.failures, skip=_TOKEN_COLUMNS),
        "failure_notes": [visible(n) for n in d.reports.failures.notes],
        "stage_warnings": [visible(x) for x in d.reports.stages.warnings],
        "units": [{"label": unit_label(u), "table": _unit_summary(u)} for u in d.reports.units],
        "unit_notes": d.notes,
        "alerts": _alerts_view(d.alerts),
        "budgets": _budgets_view(d.budgets),
        "margin": _margin_view(d),
        "traces": _traces_view(d),
        "quality": _quality_view(d),
        "daily_days": len({r["day"] for r in d.reports.daily.rows}),
    }
