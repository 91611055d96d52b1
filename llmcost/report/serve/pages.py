"""The pages: the same answers as /api/..., drawn as HTML tables (which work without JavaScript)
and Chart.js charts (the vendored copy, served from /static/ with the HTML report's own script).

A page's whole state is its URL: `/explore?by=feature&tenant=acme&since=2026-10-01` is a link to
share. Pages take the API's parameters, plus `tenant=`, `feature=` and `model=` as shorthands for
`where=tenant=...` (what the filter form sends). Every table links its CSV (`/api/...?format=csv`,
the CLI's CSV) and its JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from llmcost.errors import LlmcostError, UsageError
from llmcost.report.serve.api import ENDPOINTS, Answer, Reader, TooBig, TooSlow, answer

if TYPE_CHECKING:
    import jinja2

    from llmcost.queries.model import Report

NAV = (
    ("", "Overview"),
    ("explore", "Spend explorer"),
    ("traces", "Traces"),
    ("unit", "Unit economics"),
    ("budgets", "Budgets and margins"),
    ("quality", "Data quality"),
    ("reconcile", "Reconciliation"),
)
SHORTHANDS = ("tenant", "feature", "model")
DRILL = {"tenant": "feature", "feature": "model", "model": "traces"}  # a row's click: the next level
GROUPS = (
    "tenant",
    "feature",
    "model",
    "provider",
    "operation",
    "stage",
    "user",
    "outcome",
    "prompt_version",
    "day",
    "week",
    "month",
)


def _env() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("llmcost.report.serve", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# -- URL state -------------------------------------------------------------------------------------


class State:
    """A page's URL parameters: the shorthands folded into `where`, the rest as given."""

    def __init__(self, given: Sequence[tuple[str, str]]) -> None:
        self.pairs = [(k, v) for k, v in given if k != "token" and v != ""]

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.pairs if k == name), None)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def api(self, names: Sequence[str]) -> list[tuple[str, str]]:
        """The pairs the endpoint takes, with tenant=/feature=/model= as where= filters."""
        out = []
        for k, v in self.pairs:
            if k in SHORTHANDS and "where" in names and k not in names:
                out.append(("where", f"{k}={v}"))
            elif k in names:
                out.append((k, v))
            elif k not in SHORTHANDS:
                raise UsageError(f"unknown parameter {k[:40]!r}; this page takes: {', '.join(names)}")
        return out

    def without(self, path: str, key: str, value: str) -> str:
        """This URL less one parameter (a filter's "remove" link)."""
        pairs = [(k, v) for k, v in self.pairs if (k, v) != (key, value)]
        return path + ("?" + urlencode(pairs) if pairs else "")

    def url(self, path: str, **changes: str | list[str] | None) -> str:
        pairs = [(k, v) for k, v in self.pairs if k not in changes]
        for k, v in changes.items():
            if isinstance(v, list):
                pairs += [(k, x) for x in v]
            elif v is not None:
                pairs.append((k, v))
        return path + ("?" + urlencode(pairs) if pairs else "")


def _ask(
    reader: Reader, endpoint: str, state: State, extra: Sequence[tuple[str, str]] = ()
) -> tuple[Answer, str]:
    e = ENDPOINTS[endpoint]
    given = [*state.api([p.name for p in e.params]), *extra]
    query = urlencode(given)
    return answer(e, reader, given), f"/api/{endpoint}" + (f"?{query}" if query else "")


def _try(reader: Reader, endpoint: str, state: State) -> tuple[Answer | None, str, str | None]:
    """A section that may not apply (no invoices, no plans): its message instead of the page failing."""
    try:
        ans, link = _ask(reader, endpoint, state)
    except (LlmcostError, TooSlow, TooBig) as e:
        return None, "", str(e)
    return ans, link, None


# -- tables ----------------------------------------------------------------------------------------


def report_table(rep: Report, link: Callable[[dict[str, Any]], str | None] | None = None) -> dict[str, Any]:
    """A report's rows as cells people read (llmcost.numbers), exact values to sort by, and each
    row's drill-down link."""
    from llmcost.queries.model import Kind
    from llmcost.report.cells import human, machine
    from llmcost.report.text import visible

    cols = list(rep.columns)

    def cell(c: Any, row: dict[str, Any]) -> dict[str, Any]:
        v = row.get(c.name)
        if c.kind in (Kind.DIMENSION, Kind.TEXT):
            text = "(other)" if row.get("other") and v is None else "(none)" if v is None else visible(str(v))
            return {"text": text, "v": None}
        exact = machine(c, v)
        return {"text": human(c, v), "v": "" if exact is None else exact}

    rows = []
    for r in rep.rows:
        href = None if r.get("other") or link is None else link(r)
        rows.append({"cells": [cell(c, r) for c in cols], "other": bool(r.get("other")), "href": href})
    totals = None
    if rep.totals is not None:
        totals = [
            {"text": "total" if i == 0 else "", "v": None}
            if c.kind is Kind.DIMENSION
            else cell(c, rep.totals)
            for i, c in enumerate(cols)
        ]
    return {
        "columns": [{"title": c.title, "numeric": c.kind not in (Kind.DIMENSION, Kind.TEXT)} for c in cols],
        "rows": rows,
        "totals": totals,
    }


def _shown(key: str, value: Any) -> tuple[str, Any]:
    """A record's value as text people read, and its sort value (None: text)."""
    from llmcost.numbers import count, usd
    from llmcost.report.text import visible

    if value is None:
        return "-", None
    if isinstance(value, bool):
        return ("yes" if value else "no"), None
    if isinstance(value, int):
        return count(value), value
    if isinstance(value, float):
        return f"{value:,.4g}", value
    if key.endswith("_usd") or key.endswith("usd"):
        try:
            return usd(Decimal(str(value))), str(value)
        except (InvalidOperation, ValueError):
            pass
    return visible(str(value)), None


def records_table(records: Sequence[Any]) -> dict[str, Any]:
    """A document's list of records (budget tenants, rejects, invoice lines) as a table of its
    scalar fields."""
    dicts = [r for r in records if isinstance(r, dict)]
    names: list[str] = []
    for r in dicts:
        names += [k for k, v in r.items() if k not in names and not isinstance(v, dict | list)]
    rows: list[dict[str, Any]] = []
    for r in dicts:
        cells: list[dict[str, Any]] = []
        for n in names:
            text, v = _shown(n, r.get(n))
            cells.append({"text": text, "v": "" if v is None and text == "-" else v})
        rows.append({"cells": cells, "other": False, "href": None})
    numeric = [all(c["cells"][i]["v"] is not None for c in rows) and bool(rows) for i in range(len(names))]
    return {
        "columns": [{"title": n.replace("_", " "), "numeric": numeric[i]} for i, n in enumerate(names)],
        "rows": rows,
        "totals": None,
    }


def _section(
    title: str, table: dict[str, Any], link: str, *, notes: Sequence[str] = (), **more: Any
) -> dict[str, Any]:
    joiner = "&" if "?" in link else "?"
    return {
        "title": title,
        "table": table,
        "json": link,
        "csv": f"{link}{joiner}format=csv" if link else "",
        "notes": list(notes),
        "id": "t-" + "".join(ch if ch.isalnum() else "-" for ch in title.lower()),
        "chart": None,
        **more,
    }


def _message(title: str, text: str) -> dict[str, Any]:
    return {"title": title, "table": None, "json": "", "csv": "", "notes": [text], "id": "", "chart": None}


def _bar_chart(rep: Report, label: Callable[[dict[str, Any]], str]) -> dict[str, Any] | None:
    from llmcost.report.cells import machine

    rows = [r for r in rep.rows if not r.get("other")][:25]
    if not rows or "cost_usd" not in {c.name for c in rep.columns}:
        return None
    col = rep.column("cost_usd")
    return {
        "id": "chart-explore",
        "type": "bar",
        "unit": "usd",
        "labels": [label(r) for r in rows],
        "datasets": [{"label": col.title, "values": [machine(col, r.get("cost_usd")) for r in rows]}],
        "horizontal": True,
    }


def _nav(name: str, state: State | None) -> list[dict[str, Any]]:
    """The page links, keeping the window (since, until, tz) when one is chosen."""
    keep = [(k, v) for k, v in (state.pairs if state else []) if k in ("since", "until", "tz")]
    query = "?" + urlencode(keep) if keep else ""
    return [
        {
            "href": "/" + p + (query if p in ("", "explore", "traces", "unit") else ""),
            "title": t,
            "here": p == name or (p == "traces" and name == "trace"),
        }
        for p, t in NAV
    ]


def as_of_note() -> str | None:
    """The line every page shows when its answers came from the snapshot while a writer wrote."""
    from llmcost.report.serve.api import snapshot_read

    info = snapshot_read()
    if info is None:
        return None
    when = str(info.written_at).replace("T", " ")[:19] + " UTC"
    return f"As of {when}: the last committed state, read while {info.writer} writes (reload for newer)."


def _page(name: str, title: str, state: State, sections: list[dict[str, Any]], **more: Any) -> str:
    from markupsafe import Markup

    from llmcost.report.html import script_json

    charts = [s["chart"] for s in sections if s.get("chart")]
    return (
        _env()
        .get_template("page.html.j2")
        .render(
            nav=_nav(name, state),
            title=title,
            page=name,
            state=state,
            sections=sections,
            data=Markup(script_json({"charts": charts})),
            **{"form": None, "as_of": as_of_note(), **more},
        )
    )


def _form(state: State, fields: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """The filter form: (name, label, placeholder) each, filled from the URL; `where=` filters
    other than the shorthands ride along as hidden fields."""
    return {
        "fields": [
            {"name": n, "label": lbl, "placeholder": ph, "value": state.get(n) or ""} for n, lbl, ph in fields
        ],
        "hidden": [("where", w) for w in state.all("where")],
    }


WINDOW_FIELDS = (
    ("since", "since", "YYYY-MM-DD or 7d"),
    ("until", "until (excl.)", "YYYY-MM-DD"),
    ("tz", "time zone", "UTC"),
)
FILTER_FIELDS = (("tenant", "tenant", "any"), ("feature", "feature", "any"), ("model", "model", "any"))


# -- the pages -------------------------------------------------------------------------------------


def overview(reader: Reader, given: Sequence[tuple[str, str]]) -> str:
    """The HTML report's dashboards, alerts and budgets, with its scripts and style from /static/."""
    from llmcost.alerts import load_settings
    from llmcost.queries.dimensions import parse_where
    from llmcost.queries.scope import Scope
    from llmcost.queries.session import prepare
    from llmcost.report.dashboard import collect
    from llmcost.report.dashview import page_context, payload
    from llmcost.report.html import environment, script_json
    from llmcost.report.serve.api import version
    from llmcost.report.serve.app import META_CSP
    from llmcost.window import Window

    state = State(given)
    allowed = ("since", "until", "tz", "where", "cost")
    args = dict.fromkeys(allowed)
    pairs = state.api(allowed)
    for k, v in pairs:
        if k != "where":
            args[k] = v
    window = Window.parse(args["since"], args["until"], args["tz"] or "UTC")
    scope = Scope(
        window,
        parse_where([v for k, v in pairs if k == "where"]),
        args["cost"] or reader.cfg.pricing.cost_mode,
    )
    settings = load_settings(reader.cfg)
    with reader.open() as wh:
        # the dashboards are the report's whole work (seconds at 10M requests): computed once per
        # warehouse version and arguments, again when the data changes (or after CACHE_SECONDS)
        key = ("overview", version(wh), tuple(pairs), datetime.now(UTC).date())
        html: str | None = reader.cached(key)
        if html is None:
            dash = collect(prepare(wh), scope, settings=settings, catalog=reader.catalog)
    if html is None:
        from markupsafe import Markup

        html = (
            environment()
            .get_template("report.html.j2")
            .render(
                csp=META_CSP,
                styles=[],
                scripts=[],
                data=Markup(script_json(payload(dash))),
                **page_context(dash),
            )
        )
        reader.remember(key, html)
    chrome = _env().get_template("chrome.html.j2").module
    links, scripts = str(chrome.head()), str(chrome.scripts())  # type: ignore[attr-defined]
    nav = str(chrome.navbar(_nav("", state), as_of_note()))  # type: ignore[attr-defined]
    return (
        html.replace("</head>", links + "</head>", 1)
        .replace("<body>\n", "<body>\n" + nav, 1)
        .replace("</body>", scripts + "</body>", 1)
    )


def explore(reader: Reader, given: Sequence[tuple[str, str]]) -> str:
    from llmcost.report.text import visible

    state = State(given)
    ans, link = _ask(reader, "report", state)
    rep = ans.result
    dims = [g for g in rep.group_by]

    def drill(row: dict[str, Any]) -> str | None:
        if len(dims) != 1 or dims[0] not in DRILL or row.get(dims[0]) is None:
            return None
        d = dims[0]
        if DRILL[d] == "traces":  # a model: its costliest traces, under the same filters and window
            return state.url("/traces", by=None, sort=None, **{d: str(row[d])}, top=None)
        return state.url("/explore", by=DRILL[d], **{d: str(row[d])}, top=None)

    def label(row: dict[str, Any]) -> str:
        return " / ".join("(none)" if row.get(d) is None else visible(str(row.get(d))) for d in dims)

    title = "Spend by " + ", ".join(dims)
    filters = [
        {"text": visible(f"{k}={v}" if k != "where" else v), "remove": state.without("/explore", k, v)}
        for k, v in state.pairs
        if k in SHORTHANDS or k == "where"
    ]
    section = _section(
        title,
        report_table(rep, drill),
        link,
        notes=[*rep.warnings, *rep.notes],
        chart=_bar_chart(rep, label),
    )
    crumbs = []
    if any(k in SHORTHANDS for k, _ in state.pairs):
        crumbs.append(
            {
                "href": state.url("/explore", by="tenant", tenant=None, feature=None, model=None),
                "text": "all tenants",
            }
        )
    form = _form(state, (*WINDOW_FIELDS, *FILTER_FIELDS, ("top", "top N", "all")))
    # one more filter of any dimension or attribute, e.g. attr.team=search (the others ride along)
    form["fields"].append(
        {"name": "where", "label": "more: DIM=VALUE", "placeholder": "attr.team=a", "value": ""}
    )
    form["hidden"] += [("by", d) for d in dims[1:]]
    return _page(
        "explore",
        "Spend explorer",
        state,
        [section],
        form=form,
        groups=(*GROUPS, *(d for d in dims[:1] if d not in GROUPS)),
        by=dims[0] if dims else "tenant",
        filters=filters,
        crumbs=crumbs,
        hint="Click a tenant for its features, a feature for its models, a model for its costliest traces.",
    )


def unit(reader: Reader, given: Sequence[tuple[str, str]]) -> str:
    state = State(given)
    events: list[tuple[str, int]] = []
    if state.get("event") is None:
        # the API asks for the event when there are several; the page starts at the commonest
        from llmcost.queries.unit import event_names

        with reader.open() as wh:
            events = event_names(wh.con)
        if events:
            state = State([*state.pairs, ("event", events[0][0])])
    ans, link = _ask(reader, "unit", state)
    rep = ans.result
    form = _form(
        state,
        (
            ("event", "success event", "draft_accepted"),
            *WINDOW_FIELDS,
            ("tenant", "tenant", "any"),
            ("feature", "feature", "any"),
        ),
    )
    return _page(
        "unit",
        "Unit economics",
        state,
        [_section(rep.title, report_table(rep), link, notes=[*rep.warnings, *rep.notes])],
        form=form,
        groups=("", "tenant", "feature", "user", "day", "week", "month"),
        by=(rep.group_by[0] if rep.group_by else ""),
        hint="Success events in the warehouse: " + ", ".join(f"{e} ({n:,})" for e, n in events)
        if events
        else "Cost per successful action: ratio (all spend / events) and trace attribution.",
    )


def budgets(reader: Reader, given: Sequence[tuple[str, str]]) -> str:
    state = State(given)
    sections = []
    for endpoint, title in (
        ("budgets", "Budgets: tenants against their plan"),
        ("margin", "Gross margin after LLM cost"),
    ):
        sub = State([(k, v) for k, v in state.pairs if k in ("month", "cost")])
        ans, link, problem = _try(reader, endpoint, sub)
        if ans is None:
            sections.append(_message(title, problem or ""))
            continue
        doc = ans.doc
        notes = [str(n) for n in doc.get("notes", []) if isinstance(n, str)]
        sections.append(
            _section(title, records_table(doc.get(ENDPOINTS[endpoint].table) or []), link, notes=notes)
        )
    form = _form(state, (("month", "month", "YYYY-MM"),))
    return _page("budgets", "Budgets and margins", state, sections, form=form)


def quality(reader: Reader, given: Sequence[tuple[str, str]]) -> str:
    state = State(given)
    status, status_link = _ask(reader, "status", State([]))
    inv = status.doc
    facts = [
        ("requests", inv.get("requests")),
        ("outcome events", inv.get("outcomes")),
        ("unpriced requests", inv.get("unpriced_requests")),
        ("timestamps without a zone", inv.get("naive_ts")),
        ("rejected lines", inv.get("rejected_total")),
        ("duplicate ids with different content (conflicts)", inv.get("conflicts")),
    ]
    by_reason = [{"reason": r, "lines": n} for r, n in inv.get("rejects_by_reason") or []]
    rejects, rejects_link = _ask(
        reader, "status/rejects", State([(k, v) for k, v in state.pairs if k in ("reason", "top")])
    )
    window = State([(k, v) for k, v in state.pairs if k in ("since", "until")])
    check, check_link = _ask(reader, "pricing/check", window)
    sections = [
        _section(
            "Rejected lines by reason",
            records_table(by_reason),
            status_link,
            facts=[(k, _shown(k, v)[0]) for k, v in facts],
        ),
        _section("Rejected lines", records_table(rejects.doc.get("rejects") or []), rejects_link),
        _section("Unpriced models", records_table(check.doc.get("unpriced") or []), check_link),
        _section("Logged vs derived cost", records_table(check.doc.get("drift") or []), check_link),
    ]
    form = _form(
        state,
        (
            ("since", "since (pricing)", "YYYY-MM-DD"),
            ("until", "until", "YYYY-MM-DD"),
            ("reason", "reject reason", "any"),
        ),
    )
    return _page("quality", "Data quality", state, sections, form=form)


def reconcile(reader: Reader, given: Sequence[tuple[str, str]]) -> str:
    state = State(given)
    ans, link, problem = _try(reader, "reconcile", state)
    if ans is None:
        sections = [_message("Reconciliation", problem or "")]
    else:
        doc = ans.doc
        sections = [
            _section("Providers", records_table(doc.get("providers") or []), link),
            _section("Gap explained", records_table(doc.get("explanations") or []), link),
            _section(
                "Lines: provider, model, day",
                records_table(doc.get("lines") or []),
                link,
                notes=doc.get("notes") or [],
            ),
        ]
    form = _form(state, (("month", "month", "YYYY-MM"), ("provider", "provider", "any")))
    return _page("reconcile", "Reconciliation", state, sections, form=form)


SPREAD = ("p50", "p90", "p99", "max")
CALL_COLUMNS = (
    "ts",
    "model",
    "operation",
    "input_tokens",
    "cached_input_tokens",
    "output_tokens",
    "cost_usd",
    "cumulative_cost_usd",
    "latency_ms",
    "outcome",
    "trace_id",
    "request_id",
)


def _flat(record: dict[str, Any], order: Sequence[str]) -> dict[str, Any]:
    """A record with its nested spreads as columns ("cost per trace p50", ...), in `order` first."""
    out: dict[str, Any] = {}
    for k, v in record.items():
        if isinstance(v, dict):
            for sub, x in sorted(v.items(), key=lambda kv: SPREAD.index(kv[0]) if kv[0] in SPREAD else 9):
                out[f"{k.replace('_usd', '')} {sub}" + ("_usd" if k.endswith("_usd") else "")] = x
        elif not isinstance(v, list):
            out[k] = v
        else:
            out[k] = ", ".join(str(x) for x in v)
    return {**{k: out[k] for k in order if k in out}, **out}


def _linked(table: dict[str, Any], hrefs: Sequence[str | None]) -> dict[str, Any]:
    """A records table whose rows link (their first cell) to `hrefs`."""
    for row, href in zip(table["rows"], hrefs, strict=True):
        row["href"] = href
        if href is not None:
            row["cells"][0]["v"] = None  # the link is drawn on a text cell
    return table


def _trace_href(trace_id: Any, unit: str = "trace") -> str | None:
    if trace_id is None:
        return None
    return "/trace?" + urlencode([("session" if unit == "session" else "id", str(trace_id))])


def traces(reader: Reader, given: Sequence[tuple[str, str]]) -> str:
    """Cost per trace: the distribution per feature, and the costliest traces (each links to its
    timeline); `by=session` for sessions."""
    state = State(given)
    ans, link = _ask(reader, "traces", state)
    doc = ans.doc
    unit = doc["unit"]
    noun = "sessions" if unit == "session" else "traces"
    first_cols = ("feature", "count", "cost_usd")

    def per_unit(d: dict[str, Any]) -> dict[str, Any]:
        # "cost_per_unit_usd" spreads read as "per trace p50 usd" (or per session)
        renamed = {(f"per_{unit}_usd" if k == "cost_per_unit_usd" else k): v for k, v in d.items()}
        return _flat(renamed, first_cols)

    dists = [per_unit(d) for d in doc["features"]]
    if doc.get("all"):
        dists.append({**per_unit(doc["all"]), "feature": "(all)"})
    ids = [t.get("trace_id" if unit == "trace" else "session_id") for t in doc["top"]]
    order = (
        f"{unit}_id",
        "tenant",
        "feature",
        "cost_usd",
        "calls",
        "tokens",
        "duration_ms",
        "first",
        "models",
    )
    top = [_flat(t, order) for t in doc["top"]]
    from llmcost.report.text import visible

    notes = []
    if doc["calls_without_id"]:
        notes.append(f"{doc['calls_without_id']:,} calls in this window carry no {unit} id (not counted).")
    filters = [
        {"text": visible(f"{k}={v}" if k != "where" else v), "remove": state.without("/traces", k, v)}
        for k, v in state.pairs
        if k in SHORTHANDS or k == "where"
    ]
    crumbs = []
    model, tenant, feature = state.get("model"), state.get("tenant"), state.get("feature")
    if tenant or feature or model:
        back = state.url("/explore", by="model" if model else "tenant", model=None, top=None)
        crumbs.append({"href": back, "text": "back to the explorer"})
    form = _form(state, (*WINDOW_FIELDS, *FILTER_FIELDS, ("top", "top N", "20")))
    return _page(
        "traces",
        "Traces" if unit == "trace" else "Sessions",
        state,
        [
            _section(f"Cost per {unit}, per feature", records_table(dists), link, notes=notes),
            _section(
                f"The costliest {noun}",
                _linked(records_table(top), [_trace_href(i, unit) for i in ids]),
                link,
                notes=[f"{doc['units']:,} {noun} in this window; click one for its timeline."],
            ),
        ],
        form=form,
        groups=("feature", "session"),
        by="session" if unit == "session" else "feature",
        filters=filters,
        crumbs=crumbs,
        hint="A trace is the calls sharing a trace id; a session, those sharing a session id.",
    )


def trace(reader: Reader, given: Sequence[tuple[str, str]]) -> str:
    """One trace's (or session's) timeline: its calls in order with the running cost, and the
    outcome events linked to it."""
    from llmcost.numbers import count, usd

    state = State(given)
    ans, link = _ask(reader, "trace", state)
    doc = ans.doc
    tl = ans.result
    calls = [_flat(c, CALL_COLUMNS) for c in doc["calls"]]
    if doc["unit"] == "trace":  # the page's own id on every row says nothing
        calls = [{k: v for k, v in c.items() if k != "trace_id"} for c in calls]
    table = records_table(calls)
    if doc["unit"] == "session":  # each call links to its trace
        names = [c["title"] for c in table["columns"]]
        at = names.index("trace id") if "trace id" in names else None
        if at is not None:
            for row, c in zip(table["rows"], doc["calls"], strict=True):
                if c.get("trace_id") is not None:
                    row["cells"][at]["href"] = _trace_href(c["trace_id"])
    facts = [
        ("calls", count(doc["calls_count"])),
        ("cost", usd(tl.cost)),
        ("tokens", count(doc["tokens"])),
        ("failed calls", count(doc["failed_calls"])),
        ("unpriced calls", count(doc["unpriced_calls"])),
        ("first call", doc["first"] or "-"),
        ("last call", doc["last"] or "-"),
    ]
    first = doc["calls"][0] if doc["calls"] else {}
    crumbs = [
        {
            "href": "/traces?"
            + urlencode([(k, str(first[k])) for k in ("tenant", "feature") if first.get(k)]),
            "text": "this tenant's and feature's traces",
        }
    ]
    if doc["unit"] == "trace" and first.get("session_id"):
        crumbs.append({"href": _trace_href(first["session_id"], "session") or "", "text": "its session"})
    from llmcost.report.text import visible

    return _page(
        "trace",
        ("Session " if doc["unit"] == "session" else "Trace ") + visible(str(doc["id"])),
        state,
        [
            _section("Calls, in the order they ran", table, link, facts=facts),
            _section("Outcome events linked to it", records_table(doc["events"]), link),
        ],
        crumbs=crumbs,
        hint=f"Cost mode {doc['cost_mode']}; the cumulative column is the priced calls' cost so far.",
    )


PAGES: dict[str, Callable[[Reader, Sequence[tuple[str, str]]], str]] = {
    "": overview,
    "explore": explore,
    "traces": traces,
    "trace": trace,
    "unit": unit,
    "budgets": budgets,
    "quality": quality,
    "reconcile": reconcile,
}


def error_page(title: str, message: str, page: str = "") -> str:
    return _env().get_template("error.html.j2").render(title=title, message=message, nav=_nav(page, None))


def api_index(spec: dict[str, Any]) -> str:
    endpoints = [
        {
            "path": path,
            "summary": op["get"]["summary"],
            "description": op["get"]["description"],
            "params": [(p["name"], p.get("description", "")) for p in op["get"]["parameters"]],
        }
        for path, op in spec["paths"].items()
    ]
    return _env().get_template("api.html.j2").render(endpoints=endpoints, nav=_nav("api", None))
