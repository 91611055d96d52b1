"""The JSON API: each endpoint is one CLI command's `--format json`, asked with URL parameters named
as the command's options (`/api/report?by=tenant&since=2026-10-01` is `llmcost report --by tenant
--since 2026-10-01 --format json`). The documents are built the way the commands build them (the
same query, the same renderer, the same schema tag and key order), so the bytes are the CLI's.

An endpoint runs in a worker thread: it opens the warehouse read-only, asks, and closes it
(`Reader.open`), so the server never holds the file between requests and ingest is never blocked
for longer than one question.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from llmcost.errors import UsageError
from llmcost.redact import redact
from llmcost.window import parse_day, parse_month, utc_today

if TYPE_CHECKING:
    import duckdb

    from llmcost.config import Config
    from llmcost.pricing import Catalog
    from llmcost.queries.model import Report
    from llmcost.queries.scope import Scope
    from llmcost.warehouse import Warehouse


class TooSlow(Exception):
    """The question ran past the per-request time limit (DuckDB was interrupted)."""


class TooBig(Exception):
    """The answer has more rows than the per-request limit."""


CACHE_ENTRIES = 32  # computed pages kept (the overview's dashboards, per version and arguments)
CACHE_SECONDS = 600.0  # at most this old even when the data did not change ("now" moves on)
SNAPSHOT_SLACK = 5.0  # seconds a writer's close may touch the file after it wrote the snapshot
_seen = threading.local()


def snapshot_is_current(db: Path) -> bool:
    """Whether the local snapshot holds the warehouse's latest committed state, as far as files
    tell (no writer holds it now): every writer session ends by rewriting the snapshot, then
    closes the file, so a file (or a WAL) written well after the manifest means a writer that
    stopped without writing one (killed, a full disk): read the file itself then."""
    from llmcost.warehouse.snapshot import MANIFEST, snapshot_dir

    try:
        written = (snapshot_dir(db) / MANIFEST).stat().st_mtime
        changed = db.stat().st_mtime
    except OSError:
        return False  # no snapshot (a warehouse from before snapshots): open-read-close
    if db.with_name(db.name + ".wal").exists():
        return False  # committed rows not yet in the file's checkpoint, maybe not in the snapshot
    return changed <= written + SNAPSHOT_SLACK


def start_request() -> None:
    """Forget the snapshot the last request on this worker thread read."""
    _seen.info = None


def snapshot_read() -> Any:
    """The SnapshotInfo this request's answers came from when they were read from the snapshot
    while a writer held the warehouse (the state as of its time), else None."""
    return getattr(_seen, "info", None)


@dataclass
class Reader:
    """How the server reads: the warehouse file, the config, and the limits of one request."""

    db: Path
    cfg: Config
    timeout: float = 10.0  # seconds a request may query before DuckDB is interrupted
    max_rows: int = 50_000  # rows a document may hold
    # read the local snapshot (never opening the DuckDB file, so never making a writer wait)
    # whenever it is current; else open-read-close the file
    prefer_snapshot: bool = True
    _catalog: Catalog | None = field(default=None, repr=False)

    _cache: dict[Any, tuple[float, Any]] = field(default_factory=dict, repr=False)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def cached(self, key: Any) -> Any:
        """A value `remember`ed under `key` less than CACHE_SECONDS ago, else None."""
        import time

        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is None or time.monotonic() - hit[0] > CACHE_SECONDS:
                return None
            self._cache[key] = self._cache.pop(key)  # most recently used last
            return hit[1]

    def remember(self, key: Any, value: Any) -> None:
        import time

        with self._cache_lock:
            self._cache.pop(key, None)
            self._cache[key] = (time.monotonic(), value)
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.pop(next(iter(self._cache)))

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from llmcost.pricing import load_catalog

            self._catalog = load_catalog(self.cfg)
        return self._catalog

    @contextmanager
    def open(self) -> Iterator[Warehouse]:
        """The warehouse, open read-only for this request only; its queries are interrupted after
        `timeout` seconds."""
        import duckdb

        from llmcost.warehouse import reader

        db = self.db.expanduser().absolute()
        with reader(db, prefer_snapshot=self.prefer_snapshot and snapshot_is_current(db)) as wh:
            if wh.snapshot is not None and wh.snapshot.writer is not None:
                earlier = snapshot_read()
                if earlier is None or earlier.written_at > wh.snapshot.written_at:
                    _seen.info = wh.snapshot  # a page of several answers says its oldest
            timer = threading.Timer(self.timeout, wh.con.interrupt)
            timer.daemon = True
            timer.start()
            try:
                yield wh
            except duckdb.InterruptException:
                raise TooSlow(
                    f"the query ran longer than {self.timeout:g} s and was stopped: narrow the date range "
                    "or the filters"
                ) from None
            finally:
                timer.cancel()


def version(wh: Warehouse) -> tuple[Any, ...]:
    """What changes whenever the data `wh` reads changes: the snapshot's generation, or the DuckDB
    file's (and its WAL's) size and modification time (no writer changes it while it is open)."""
    if wh.snapshot is not None:
        return ("snapshot", wh.snapshot.location, wh.snapshot.generation, wh.snapshot.written_at)
    stats: list[Any] = ["file"]
    for f in (wh.path, wh.path.with_name(wh.path.name + ".wal")):
        try:
            st = f.stat()
        except OSError:
            stats.append(None)
        else:
            stats.append((st.st_mtime_ns, st.st_size))
    return tuple(stats)


@dataclass
class Answer:
    """An endpoint's result: its JSON text (exactly the CLI's), its CSV (the CLI's where the command
    has one), and the typed result pages draw."""

    json: str
    csv: str
    rows: int
    result: Any = None
    as_of: Any = None  # the SnapshotInfo it was read from during a write (snapshot_read), if any

    @cached_property
    def doc(self) -> dict[str, Any]:
        loaded: dict[str, Any] = orjson.loads(self.json)
        return loaded


# -- the document writers: the CLI's `emit_json` and `_emit`, without the terminal -----------------


def json_text(kind: str, doc: dict[str, Any]) -> str:
    """`emit_json`'s bytes: tagged, indented, keys sorted, secrets redacted, one newline."""
    from llmcost.report.jsonfmt import schema_tag

    text = orjson.dumps(
        {"schema": schema_tag(kind), **doc}, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS, default=str
    ).decode("utf-8")
    return redact(text) + "\n"


def report_answer(rep: Report) -> Answer:
    from llmcost.report import render_csv, render_json

    return Answer(redact(render_json(rep)), redact(render_csv(rep)), len(rep.rows), rep)


def _records_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """A list of flat records as CSV, for documents whose command has no CSV of its own (budgets,
    alerts, status): text cells made inert for spreadsheets and terminals, as the CLI's CSV does."""
    from llmcost.report.text import neutral_cell, visible

    names: list[str] = []
    for r in rows:
        names += [k for k, v in r.items() if k not in names and not isinstance(v, dict | list)]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for r in rows:
        w.writerow(["" if r.get(n) is None else visible(neutral_cell(str(r.get(n)))) for n in names])
    return redact(buf.getvalue())


def doc_answer(
    kind: str, doc: dict[str, Any], table: str | None, csv_text: str | None, result: Any
) -> Answer:
    rows = doc.get(table) if table else None
    records = rows if isinstance(rows, list) else []
    return Answer(
        json_text(kind, doc),
        csv_text if csv_text is not None else _records_csv(records),
        len(records),
        result,
    )


# -- parameters ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    help: str
    repeat: bool = False  # given more than once (by=tenant&by=feature), as the option is


class Args:
    """An endpoint's URL parameters: only the ones it takes, each at most once unless repeatable."""

    def __init__(self, params: Sequence[Param], given: Sequence[tuple[str, str]]) -> None:
        known = {p.name: p for p in params}
        self.values: dict[str, list[str]] = {}
        for name, value in given:
            if name == "token":
                continue  # the access token, taken by the server before the endpoint runs
            if name not in known:
                names = ", ".join(known) or "none"
                raise UsageError(f"unknown parameter {name[:40]!r}; this endpoint takes: {names}")
            if len(value) > 2000:
                raise UsageError(f"{name}: the value is longer than 2,000 characters")
            self.values.setdefault(name, []).append(value)
            if len(self.values[name]) > 1 and not known[name].repeat:
                raise UsageError(f"{name}: give it once")

    def one(self, name: str, default: str | None = None) -> str | None:
        got = self.values.get(name)
        if not got or got[0] == "":
            return default
        return got[0]

    def many(self, name: str) -> list[str] | None:
        got = [v for v in self.values.get(name, []) if v != ""]
        return got or None

    def canonical(self) -> list[tuple[str, str]]:
        return [(k, v) for k, vs in self.values.items() for v in vs if v != ""]


def parse_top(value: str | None) -> int | None:
    """`top=N|all`, as `--top` reads it."""
    if value is None:
        return None
    text = value.strip().lower()
    if text == "all":
        return None
    try:
        n = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise UsageError(f"top: give a number of rows or all (got {value[:20]!r})") from None
    if not 1 <= n <= 10**9:
        raise UsageError(f"top: give 1 to 1,000,000,000 rows, or all (got {value[:20]!r})")
    return n


def _scope(
    r: Reader, a: Args, *, filters_allowed: tuple[str, ...] | None = None, since: bool = True
) -> Scope:
    from llmcost.queries.dimensions import parse_where
    from llmcost.queries.scope import Scope
    from llmcost.window import Window

    window = Window.parse(a.one("since") if since else None, a.one("until"), a.one("tz", "UTC") or "UTC")
    filters = parse_where(a.many("where"), allowed=filters_allowed)
    return Scope(window, filters, a.one("cost") or r.cfg.pricing.cost_mode)


def _today() -> date:
    return utc_today()


def _day(text: str, name: str) -> date:
    return parse_day(text, name)


def _month(text: str) -> date:
    return parse_month(text, "month")


def _cost_mode(r: Reader, a: Args) -> str:
    from llmcost.queries.scope import COST_MODES

    mode = a.one("cost") or r.cfg.pricing.cost_mode
    if mode not in COST_MODES:
        raise UsageError(f"cost: unknown cost mode {mode[:20]!r}; choose from {', '.join(COST_MODES)}")
    return mode


# -- the endpoints ---------------------------------------------------------------------------------

WINDOW = (
    Param("since", "Start, inclusive: YYYY-MM-DD, RFC 3339 or relative (7d)."),
    Param("until", "End, exclusive."),
    Param("tz", "Time zone of dates and day buckets (default UTC)."),
    Param("where", "Filter DIM=VALUE, e.g. tenant=acme (repeatable).", repeat=True),
    Param("cost", "Cost mode: derived, logged or auto."),
)
TOP = Param("top", "First N rows and fold the rest into (other), or all (the default).")
BY = Param("by", "Group by a dimension (repeatable): tenant, feature, model, day, attr.KEY, ...", repeat=True)


@dataclass(frozen=True)
class Endpoint:
    name: str  # its path under /api/
    command: str  # the CLI command it answers as
    kind: str  # its schema tag's kind
    summary: str
    params: tuple[Param, ...]
    run: Callable[[Reader, Args], Answer]
    table: str = "rows"  # the list in the document the page shows and the CSV holds


def _report(r: Reader, a: Args) -> Answer:
    from llmcost.queries.dimensions import parse_by
    from llmcost.queries.session import prepare
    from llmcost.queries.spend import SpendQuery, spend

    dims = parse_by(a.many("by") or ["tenant"])
    query = SpendQuery(dims, _scope(r, a), sort=a.one("sort"))
    query.sort_key()  # a bad sort is a 400 before the warehouse is opened
    query = dataclasses.replace(query, top=parse_top(a.one("top")))
    with r.open() as wh:
        return report_answer(spend(prepare(wh), query))


def _unit(r: Reader, a: Args) -> Answer:
    from llmcost.queries.dimensions import parse_by
    from llmcost.queries.session import prepare
    from llmcost.queries.unit import UNIT_DIMENSIONS, UNIT_FILTERS, UnitQuery, event_names, unit

    dims = parse_by(a.many("by"), allowed=UNIT_DIMENSIONS)
    scope = _scope(r, a, filters_allowed=UNIT_FILTERS)
    top = parse_top(a.one("top"))
    event = a.one("event")
    with r.open() as wh:
        con = prepare(wh)
        if event is None:
            known = event_names(con)
            if len(known) != 1:
                names = ", ".join(f"{e} ({n:,})" for e, n in known[:8]) or "none yet"
                raise UsageError(f"event: name the success event; the warehouse holds: {names}")
            event = known[0][0]
        query = UnitQuery(
            event, dims, scope, sort=a.one("sort"), attribution=a.one("attribution", "both") or "both"
        )
        query.sort_key()
        return report_answer(unit(con, dataclasses.replace(query, top=top)))


@dataclass(frozen=True)
class View:
    name: str
    summary: str
    ask: Callable[[duckdb.DuckDBPyConnection, Scope, Reader, Args, int | None], Report]
    by: bool = False
    anchored: bool = False  # top-tenants: windows end at until
    top_default: int | None = None


def _views() -> Any:
    from llmcost.queries import views

    return views


def _dims(a: Args) -> Any:
    from llmcost.queries.dimensions import parse_by

    return parse_by(a.many("by"))


VIEWS: tuple[View, ...] = (
    View("daily", "Spend by feature per day.", lambda c, s, r, a, t: _views().daily(c, s, top=t)),
    View(
        "top-tenants",
        "Top tenants by cost, last 24 hours and 7 days.",
        lambda c, s, r, a, t: _views().top_tenants(
            c, s, anchor=s.window.until or datetime.now(UTC), top=t or 10**9
        ),
        anchored=True,
        top_default=10,
    ),
    View("models", "Cost by provider and model.", lambda c, s, r, a, t: _views().models(c, s, top=t)),
    View(
        "io",
        "Input vs output tokens per request.",
        lambda c, s, r, a, t: _views().io_share(c, s, by=_dims(a), top=t),
        by=True,
    ),
    View(
        "retrieval",
        "Retrieval (embedding, rerank) vs generation.",
        lambda c, s, r, a, t: _views().retrieval(c, s, by=_dims(a), top=t),
        by=True,
    ),
    View(
        "failures",
        "Requests and cost by outcome.",
        lambda c, s, r, a, t: _views().failures(c, s, by=_dims(a), top=t),
        by=True,
    ),
    View(
        "cache",
        "Response-cache hits and the savings they stand for.",
        lambda c, s, r, a, t: _views().cache(c, s, r.catalog, by=_dims(a), top=t),
        by=True,
    ),
)


def _view_run(view: View) -> Callable[[Reader, Args], Answer]:
    def run(r: Reader, a: Args) -> Answer:
        from llmcost.queries.session import prepare

        given = a.one("top")
        top = parse_top(given) if given is not None else view.top_default
        if view.anchored and a.one("since") is not None:
            raise UsageError(
                f"view {view.name}: the windows are the 24 hours and 7 days before until (no since)"
            )
        scope = _scope(r, a, since=not view.anchored)
        _dims(a)
        with r.open() as wh:
            return report_answer(view.ask(prepare(wh), scope, r, a, top))

    return run


def _view_params(view: View) -> tuple[Param, ...]:
    window = tuple(
        Param("since", "Not taken: the windows end at until.") if view.anchored and p.name == "since" else p
        for p in WINDOW
    )
    return ((BY,) if view.by else ()) + window + (TOP,)


def _budgets(r: Reader, a: Args) -> Answer:
    from llmcost.alerts import budget_report, load_settings
    from llmcost.alerts.forecast import month_end, month_start
    from llmcost.queries.session import prepare

    top = parse_top(a.one("top"))
    settings = load_settings(r.cfg)
    mode = _cost_mode(r, a)
    month, at = a.one("month"), a.one("at")
    if at is not None:
        as_of = _day(at, "at")
        if month is not None and month_start(as_of) != _month(month):
            raise UsageError(f"at {as_of} is not in month {month.strip()}")
    elif month is not None:
        first = _month(month)
        as_of = min(month_end(first), _today() - timedelta(days=1))
        if as_of < first:
            raise UsageError(f"month {month.strip()} has no closed day yet; use at=today for the day so far")
    else:
        as_of = _today() - timedelta(days=1)
    with r.open() as wh:
        report = budget_report(prepare(wh), settings, as_of, cost_mode=mode)
    doc = report.as_dict()
    if top:
        doc["tenants"] = doc["tenants"][:top]
    return doc_answer("budgets", doc, "tenants", None, report)


def _margin(r: Reader, a: Args) -> Answer:
    from llmcost.queries import plans as billing
    from llmcost.queries.margin import margin_report
    from llmcost.queries.session import prepare
    from llmcost.report.margin import render_csv

    top = parse_top(a.one("top"))
    month = a.one("month")
    first = _month(month) if month is not None else (_today() - timedelta(days=1)).replace(day=1)
    floor_text = a.one("floor")
    floor: float | None = None
    if floor_text is not None:
        try:
            floor = float(floor_text)
        except ValueError:
            raise UsageError(f"floor: a share of the price, e.g. 0.6 (got {floor_text[:20]!r})") from None
        if not -10 <= floor <= 1:
            raise UsageError(f"floor: a share of the price between -10 and 1, e.g. 0.6 (got {floor})")
    features_text = a.one("features", "3") or "3"
    if not features_text.isdigit() or not 0 <= int(features_text) <= 20:
        raise UsageError(f"features: 0 to 20 (got {features_text[:20]!r})")
    mode = _cost_mode(r, a)
    if not r.cfg.plans.configured:
        raise UsageError(
            "margin needs the plans from your billing system: set [plans] database (a SQLAlchemy URL) "
            'and query ("SELECT tenant_id, plan, monthly_price_usd, llm_budget_usd FROM ...") in llmcost.toml'
        )
    plans = billing.load(r.cfg.plans, r.cfg.source_path.parent if r.cfg.source_path is not None else None)
    assert plans is not None
    with r.open() as wh:
        report = margin_report(
            prepare(wh),
            plans,
            first,
            cost_mode=mode,
            floor=r.cfg.plans.margin_floor if floor is None else floor,
            top_features=int(features_text),
            today=datetime.now(UTC).date(),
        )
    doc = report.as_dict()
    if top:
        doc["tenants"] = doc["tenants"][:top]
    return doc_answer("margin", doc, "tenants", redact(render_csv(report)), report)


def _alerts(r: Reader, a: Args) -> Answer:
    from llmcost.alerts import evaluate, load_settings, parse_rules
    from llmcost.queries.session import prepare

    settings = load_settings(r.cfg)
    threshold = (a.one("fail_on") or settings.alerts.fail_on).strip().lower()
    if threshold not in ("warning", "critical", "never"):
        raise UsageError(f"fail_on: choose from warning, critical, never (got {threshold[:20]!r})")
    rules = parse_rules(a.many("rule"))
    at = a.one("at")
    day = _day(at, "at") if at is not None else _today() - timedelta(days=1)
    mode = _cost_mode(r, a)
    with r.open() as wh:
        evaluation = evaluate(prepare(wh), settings, day, rules=rules, cost_mode=mode)
    return doc_answer("alerts", evaluation.as_dict(threshold), "alerts", None, evaluation)


def _reconcile(r: Reader, a: Args) -> Answer:
    from llmcost.reconcile import parse_month, parse_threshold, reconcile
    from llmcost.reconcile.config import reconcile_config
    from llmcost.report.reconcile import render_csv
    from llmcost.window import zone

    defaults = reconcile_config(r.cfg.reconcile, r.cfg.source_path)
    limit = parse_threshold(a.one("threshold") or defaults.threshold)
    tz = a.one("tz") or defaults.tz
    zone(tz)
    month = a.one("month")
    if month is not None:
        parse_month(month)
    with r.open() as wh:
        rec = reconcile(wh.con, r.catalog, month=month, provider=a.one("provider"), threshold=limit, tz=tz)
    return doc_answer("reconcile", rec.as_dict(), "lines", redact(render_csv(rec)), rec)


def _status(r: Reader, a: Args) -> Answer:
    from dataclasses import asdict

    from llmcost.warehouse.inventory import inventory

    with r.open() as wh:
        inv = inventory(wh.con)
    doc = {"schema_version": 1, "warehouse": str(r.db), **asdict(inv)}
    return doc_answer("status", doc, "sources", None, inv)


def _rejects(r: Reader, a: Args) -> Answer:
    from llmcost.warehouse.inventory import reject_rows

    given = a.one("top")
    top = parse_top(given) if given is not None else 50
    with r.open() as wh:
        rows = reject_rows(wh.con, limit=top or 10**9, reason=a.one("reason"))
    return doc_answer("status.rejects", {"schema_version": 1, "rejects": rows}, "rejects", None, rows)


def _pricing_check(r: Reader, a: Args) -> Answer:
    from llmcost.pricing.check import check
    from llmcost.window import Window

    def day(name: str) -> date | None:
        value = a.one(name)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"{name}: expected a date as YYYY-MM-DD, got {value[:40]!r}") from None

    window = Window.of_dates(day("since"), day("until"))
    if window.empty:
        raise UsageError("until must be after since")
    catalog = r.catalog
    with r.open() as wh:
        result = check(wh.con, catalog, window=window)
    doc = {"catalog_info": catalog.info.as_dict(), **result.as_dict()}
    return doc_answer("pricing.check", doc, "unpriced", None, result)


TRACES_TOP = 20  # `llmcost traces` lists 20 traces unless --top says otherwise, whatever the format


def _traces(r: Reader, a: Args) -> Answer:
    from llmcost.queries.session import prepare
    from llmcost.queries.traces import parse_by, traces_report
    from llmcost.report.traces import render_csv

    unit = parse_by(a.one("by"))
    given = a.one("top")
    top = parse_top(given) if given is not None else TRACES_TOP
    scope = _scope(r, a)
    with r.open() as wh:
        report = traces_report(prepare(wh), scope, unit=unit, top=top)
    return doc_answer("traces", report.as_dict(), "top", redact(render_csv(report)), report)


def _trace(r: Reader, a: Args) -> Answer:
    from llmcost.queries.session import prepare
    from llmcost.queries.traces import timeline
    from llmcost.report.traces import timeline_csv

    trace_id, session = a.one("id"), a.one("session")
    if (trace_id is None) == (session is None):
        raise UsageError("give a trace id=ID or session=ID (one of them); /api/traces lists them")
    unit, unit_id = ("session", session) if session is not None else ("trace", trace_id)
    assert unit_id is not None
    mode = _cost_mode(r, a)
    with r.open() as wh:
        tl = timeline(prepare(wh), unit_id, unit=unit, cost_mode=mode)
    return doc_answer("trace", tl.as_dict(), "calls", redact(timeline_csv(tl)), tl)


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "report",
            "llmcost report",
            "report",
            "Spend by any dimension over a window.",
            (BY, *WINDOW, TOP, Param("sort", "cost, requests, tokens, ..., or name")),
            _report,
        ),
        Endpoint(
            "unit",
            "llmcost unit",
            "unit",
            "Cost and tokens per successful action.",
            (
                Param("event", "The outcome event that counts as a success."),
                Param("by", "tenant, feature, user, day, week, month (repeatable).", repeat=True),
                *WINDOW,
                TOP,
                Param("sort", "cost, requests, events, ratio, trace or name."),
                Param("attribution", "both or ratio."),
            ),
            _unit,
        ),
        *(
            Endpoint(
                f"view/{v.name}",
                f"llmcost view {v.name}",
                f"view.{v.name}",
                v.summary,
                _view_params(v),
                _view_run(v),
            )
            for v in VIEWS
        ),
        Endpoint(
            "traces",
            "llmcost traces",
            "traces",
            "Cost per trace (or session): the distribution per feature and the costliest.",
            (
                Param("by", "feature (traces, per feature) or session."),
                *WINDOW,
                Param("top", "How many of the costliest, or all (default 20)."),
            ),
            _traces,
            table="top",
        ),
        Endpoint(
            "trace",
            "llmcost trace",
            "trace",
            "One trace's (or session's) calls in order, with its outcome events.",
            (
                Param("id", "The trace id (as /api/traces lists it)."),
                Param("session", "A session id instead: every trace of it."),
                Param("cost", "Cost mode."),
            ),
            _trace,
            table="calls",
        ),
        Endpoint(
            "budgets",
            "llmcost budgets",
            "budgets",
            "Each tenant's spend against its plan; the org budget's pace.",
            (
                Param("month", "YYYY-MM."),
                Param("at", "Count through this UTC day."),
                TOP,
                Param("cost", "Cost mode."),
            ),
            _budgets,
            table="tenants",
        ),
        Endpoint(
            "margin",
            "llmcost margin",
            "margin",
            "Each tenant's plan price against its LLM cost.",
            (
                Param("month", "YYYY-MM, a UTC month."),
                Param("floor", "Flag margins under this share of the price."),
                Param("features", "Top features per tenant (0-20)."),
                TOP,
                Param("cost", "Cost mode."),
            ),
            _margin,
            table="tenants",
        ),
        Endpoint(
            "alerts",
            "llmcost alerts",
            "alerts",
            "The anomaly rules for the day that just closed, or at (no webhook is sent).",
            (
                Param("at", "The UTC day, YYYY-MM-DD."),
                Param("rule", "Only these rules (repeatable).", repeat=True),
                Param("fail_on", "warning, critical or never."),
                Param("cost", "Cost mode."),
            ),
            _alerts,
            table="alerts",
        ),
        Endpoint(
            "reconcile",
            "llmcost reconcile",
            "reconcile",
            "Billed vs estimated by provider, model and day (imported invoices only).",
            (
                Param("month", "YYYY-MM (default: the latest invoiced month)."),
                Param("provider", "Only this provider."),
                Param("threshold", "Gap threshold, e.g. 2%."),
                Param("tz", "Zone reports use."),
            ),
            _reconcile,
            table="lines",
        ),
        Endpoint(
            "status", "llmcost status", "status", "What the warehouse holds.", (), _status, table="sources"
        ),
        Endpoint(
            "status/rejects",
            "llmcost status --rejects",
            "status.rejects",
            "Rejected lines: file, line, reason, text.",
            (Param("reason", "Only this reason."), Param("top", "How many, or all (default 50).")),
            _rejects,
            table="rejects",
        ),
        Endpoint(
            "pricing/check",
            "llmcost pricing check",
            "pricing.check",
            "Unpriced models and logged-vs-derived drift.",
            (Param("since", "First UTC day, inclusive."), Param("until", "Last UTC day, exclusive.")),
            _pricing_check,
            table="unpriced",
        ),
    )
}


def answer(endpoint: Endpoint, r: Reader, given: Sequence[tuple[str, str]]) -> Answer:
    """Run an endpoint; UsageError for a bad parameter, TooSlow, TooBig for the limits."""
    ans = endpoint.run(r, Args(endpoint.params, given))
    ans.as_of = snapshot_read()
    if ans.rows > r.max_rows:
        raise TooBig(
            f"the answer has {ans.rows:,} rows, over this server's limit of {r.max_rows:,}: "
            "ask for fewer with top=N or narrow the filters"
        )
    return ans


def openapi() -> dict[str, Any]:
    """An OpenAPI 3.1 description of /api/*: one GET per endpoint, its query parameters."""
    paths: dict[str, Any] = {}
    for e in ENDPOINTS.values():
        parameters = [
            {
                "name": p.name,
                "in": "query",
                "required": False,
                "description": p.help,
                "schema": {"type": "array", "items": {"type": "string"}} if p.repeat else {"type": "string"},
                **({"style": "form", "explode": True} if p.repeat else {}),
            }
            for p in e.params
        ]
        paths[f"/api/{e.name}"] = {
            "get": {
                "summary": e.summary,
                "description": f"The JSON of `{e.command} --format json` (schema llmcost.{e.kind}/1); "
                "`?format=csv` gives its CSV.",
                "parameters": [
                    *parameters,
                    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}},
                ],
                "responses": {
                    "200": {"description": f"llmcost.{e.kind}/1"},
                    "400": {"description": "a bad parameter, with a message"},
                    "401": {"description": "missing or wrong token"},
                    "413": {"description": "more rows than the server's limit"},
                    "503": {"description": "the warehouse is busy or the query ran too long"},
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "llmcost serve", "version": "1", "description": "Read-only; GET only."},
        "paths": paths,
    }
