"""Every query the reports run, DuckDB vs Spark on the same files: the same rows, exactly.

The statements are recorded while the real commands run on DuckDB (report, view, unit, alerts,
budgets, the HTML dashboard), then each is run again on DuckDB and on Spark (transpiled by
llmcost.warehouse.engine) and the answers compared value for value, type for type.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.engine.conftest import ALERT_DAYS, SINCE, UNTIL, Built

# every command recorded on DuckDB, then every statement replayed on Spark: minutes on a 2-core
# box (more than the suite's 300 s default)
pytestmark = [pytest.mark.spark, pytest.mark.timeout(900)]

WINDOW = ("--since", SINCE, "--until", UNTIL)
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("report", *WINDOW),
    ("report", "--by", "model"),  # an open window: its ends are read from the data
    ("report", "--by", "feature", "--by", "model", "--tz", "America/New_York", *WINDOW),
    ("report", "--by", "day", "--by", "outcome", "--cost", "logged", *WINDOW),
    ("report", "--by", "week", "--tz", "Asia/Kolkata", "--where", "provider=openai", *WINDOW),
    ("report", "--by", "month", "--by", "tenant", "--top", "5", *WINDOW),
    ("report", "--where", "tenant=tenant_acmee", *WINDOW),
    (
        "report",
        "--by",
        "tenant",
        "--until",
        UNTIL,
    ),  # half-open: the first request is read (coverage_range)  # matches nothing: the values are listed
    ("view", "daily", *WINDOW),
    ("view", "top-tenants", "--until", UNTIL),
    ("view", "models", *WINDOW),
    ("view", "io", *WINDOW),
    ("view", "retrieval", "--by", "feature", *WINDOW),
    ("view", "failures", *WINDOW),
    ("view", "cache", *WINDOW),
    ("view", "cache", "--by", "day", "--by", "model", "--tz", "America/New_York", *WINDOW),
    ("unit", "--by", "tenant", "--event", "draft_accepted", *WINDOW),
    ("unit", "--by", "feature", "--event", "ticket_resolved", "--attribution", "both", *WINDOW),
    ("unit", "--by", "day", *WINDOW),  # no --event: the warehouse's events are listed (exit 2)
    *(("alerts", "--at", day) for day in ALERT_DAYS),
    ("budgets", "--at", "2026-10-20"),
    ("export", "prometheus", "--at", "2026-10-20", "prometheus.prom"),
    (
        "compare",
        "--before",
        "2026-10-15",
        "--event",
        "ticket_resolved",
        *WINDOW,
    ),  # a working table (Spark: a cached temp view)
    ("compare", "--by", "model", "--values", "gpt-4.1,gpt-4.1-mini", "--event", "draft_accepted", *WINDOW),
    ("traces", "--by", "feature", *WINDOW),
    ("traces", "--by", "session", "--top", "5", "--tz", "America/New_York", *WINDOW),
    ("traces", "--where", "tenant=tenant_acmee"),  # an open window
    ("trace", "--session", "no-such-session"),  # matches nothing: the closest ids are looked up
)
# `trace ID` for the warehouse's costliest traces (their ids are read from it, see `statements`)
TRACES_SHOWN = 3
# with [plans] (the plans_config fixture): billing plans priced for margin
PLANS_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("margin", "--month", "2026-10"),
    ("margin", "--month", "2026-10", "--cost", "logged"),
)


class Recorder:
    """A DuckDB connection that keeps every statement (and its parameters) it is asked to run."""

    def __init__(self, con: Any, log: list[tuple[str, dict[str, Any]]]) -> None:
        self.con, self.log = con, log

    def execute(self, sql: str, params: Any = None) -> Any:
        self.log.append((sql, dict(params or {})))
        return self.con.execute(sql, params or {})

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


@pytest.fixture(scope="module")
def statements(built: Built, plans_config: Path) -> list[tuple[str, dict[str, Any]]]:
    from llmcost.cli import main
    from llmcost.queries import session
    from llmcost.warehouse import reader

    log: list[tuple[str, dict[str, Any]]] = []
    real = session.prepare
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(session, "prepare", lambda wh: Recorder(real(wh), log))
        mp.chdir(built.db.parent)  # the export's prometheus.prom lands beside the warehouse
        for cmd in COMMANDS:
            fmt = [] if cmd[0] == "export" else ["--format", "json"]
            assert main([*cmd, *fmt, *built.args()]) in (0, 1, 2), cmd
        with reader(built.db) as wh:
            sql = "SELECT trace_id FROM requests WHERE trace_id IS NOT NULL GROUP BY 1 ORDER BY sum(cost_usd) DESC NULLS LAST, 1 LIMIT $n"
            ids = [str(r[0]) for r in real(wh).execute(sql, {"n": TRACES_SHOWN}).fetchall()]
        assert len(ids) == TRACES_SHOWN
        for trace_id in ids:
            assert main(["trace", trace_id, "--format", "json", *built.args()]) == 0
        for cmd in PLANS_COMMANDS:
            args = [*cmd, "--format", "json", "--db", str(built.db), "--config", str(plans_config)]
            assert main(args) in (0, 1), cmd
        html = ["report", "--format", "html", "-o", str(built.db.parent / "r.html")]
        assert main([*html, *WINDOW, *built.args()]) == 0
    return log


# Statements the replay leaves out, by their first word: session settings and writes. A working
# table (CREATE TEMP TABLE ... AS, DROP TABLE) is replayed in order on both engines, and the
# queries that read it are compared (Spark keeps it as a cached temp view: engine.working_table).
NOT_QUERIES = ("SET", "CREATE", "UPDATE", "DROP", "INSERT", "DELETE")
WORKING = ("_llmcost_compare",)


def _working(code: str) -> bool:
    return any(name in code for name in WORKING)


def queries(log: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    seen: set[str] = set()
    out = []
    for sql, params in log:
        code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).strip()
        key = sql + repr(sorted(params.items()))
        if _working(code):
            out.append((sql, params))  # in order, each time: a later query reads what it made
            continue
        if (
            code.split(None, 1)[0].upper() in NOT_QUERIES
            or "_llmcost_" in code
            # inventory_range: the DuckDB warehouse's base table under `requests` (Spark scans instead)
            or "FROM requests_columns" in code
            or "jaro_winkler_similarity" in code  # trace_nearby: DuckDB only (see NOT_ON_SPARK)
            or key in seen
        ):
            continue
        seen.add(key)
        out.append((sql, params))
    return out


def exact(value: Any) -> Any:
    """A value with its type: Decimal('1.50') and 1.5 differ, and so do 1.5 and Decimal('1.5')."""
    if isinstance(value, datetime):
        return ("datetime", value.isoformat())
    if isinstance(value, date):
        return ("date", value.isoformat())
    if isinstance(value, Decimal):
        return ("decimal", str(value))
    if isinstance(value, dict):  # a struct: Spark names a DuckDB row's fields; code reads them by position
        value = tuple(value.values())
    if isinstance(value, list | tuple):
        return ("list", tuple(exact(v) for v in value))
    return (type(value).__name__, value)


_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def answer(con: Any, sql: str, params: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    cur = con.execute(sql, params)
    # an expression without an alias is named by each engine its own way; code reads aliases only
    names = [d[0] if _NAME.fullmatch(d[0]) else "?" for d in cur.description or []]
    rows = [tuple(exact(v) for v in row) for row in cur.fetchall()]
    if "ORDER BY" not in _code(sql).upper():  # (a comment may name ORDER BY)
        rows.sort(key=repr)
    return names, rows


def test_spark_answers_every_query_as_duckdb_does(
    statements: list[tuple[str, dict[str, Any]]], built: Built, spark: Any, tables: dict[str, list[str]]
) -> None:
    from llmcost.queries.session import prepare
    from llmcost.warehouse import reader
    from llmcost.warehouse.engine import SparkConnection

    on_spark = SparkConnection(spark, tables)
    todo = queries(statements)
    assert len(todo) > 40
    differ = []
    with reader(built.db) as wh:
        con = prepare(wh)
        for sql, params in todo:
            if _ddl(sql):
                con.execute(sql, params)
                on_spark.execute(sql, params)
                continue
            want = answer(con, sql, params)
            got = answer(on_spark, sql, params)
            if got != want:
                differ.append((sql, want, got))
    for sql, want, got in differ:
        print("DIFF", first_line(sql), str(want)[:300], str(got)[:300])
        pairs = zip(want[1], got[1], strict=False)
        row = next(((w, g) for w, g in pairs if w != g), None)  # the first row that differs
        print("  first row: duckdb", row and row[0], "\n  spark", row and row[1], len(want[1]), len(got[1]))
    assert not differ, differ[0]


def _ddl(sql: str) -> bool:
    code = [line for line in sql.splitlines() if line.strip() and not line.lstrip().startswith("--")]
    return code[0].split(None, 1)[0].upper() in ("CREATE", "DROP")


def first_line(sql: str) -> str:
    return next(line for line in sql.splitlines() if not line.startswith("--"))[:80]


# Query files the replay does not run on Spark, and why.
NOT_ON_SPARK = {
    "queries/session_utc": "SET TimeZone: a Spark session is created in UTC instead",
    "queries/describe": "export parquet only (DuckDB COPY), not a report",
    "queries/export": "export parquet: DuckDB's COPY ... TO, not a report",
    "queries/export_counts": "export parquet's file counts, not a report",
    "queries/focus_rows": "export focus, not a report/unit/alerts query",
    "queries/usage_days": "export grafana/otlp, not a report/unit/alerts query",
    "queries/inventory_range": "the segment inventory and the DuckDB warehouse's requests_columns table; a "
    "Spark connection has no inventory and reads the range by scanning (coverage_range, replayed)",
    "queries/trace_nearby": "the close ids for an unknown `llmcost trace ID`: Spark has no "
    "jaro_winkler_similarity, so on Spark the error names none (SparkConnection.similarity)",
    "queries/rollup_create": "the HTML dashboard's rollup of its window: a TEMP table (on Spark a cached temp "
    "view; tests/engine/test_cli.py compares the whole dashboard page, marked slow); tests/queries/test_rollup.py checks "
    "every report read from it against the scans (spend, unit_spend, unit_events, unpriced_models, "
    "dashboard_outcomes) that are replayed here",
    "queries/rollup_spend_slots": "reads the dashboard's rollup (see rollup_create)",
    "queries/rollup_unit_spend_slots": "reads the dashboard's rollup (see rollup_create)",
    "queries/rollup_unpriced": "reads the dashboard's rollup (see rollup_create)",
    "queries/rollup_events": "the dashboard's rollup of outcome events (see rollup_create)",
    "queries/rollup_unit_events": "reads the dashboard's events rollup (see rollup_create)",
    "queries/rollup_outcomes": "reads the dashboard's events rollup (see rollup_create)",
    "queries/dashboard_outcomes": "the HTML dashboard's list of unit series: read from its events rollup "
    "(rollup_outcomes) whenever the window's ends fall on slot boundaries, as --since/--until dates do; "
    "tests/queries/test_rollup.py checks both give the same rows",
    "pricing/check_cells_rollup": "the price check's cells read from the HTML dashboard's rollup (see "
    "rollup_create); check_all over check_cells is replayed, and tests/queries/test_rollup.py checks both "
    "give the same answer",
    "alerts/feature_days_rollup": "feature_days (replayed) read from the dashboard's rollup (see rollup_create); "
    "tests/queries/test_rollup.py checks both give the same rows",
    "alerts/outcome_days_rollup": "outcome_days (replayed) read from the dashboard's events rollup (see "
    "rollup_create); tests/queries/test_rollup.py checks both give the same rows",
    "alerts/session_budgets": "session-budget runs only with [alerts.session_budget] set, which the parity "
    "warehouse's config does not (not replayed: a gap, tests/alerts/test_trace_rules.py covers DuckDB)",
    "alerts/storm_spend": "read only when a retry storm fires, and the parity data plants none (a gap)",
}


def _code(text: str) -> str:
    """The SQL without its comments: whole comment lines (which may hold an apostrophe), then a
    trailing comment after code (one outside a string literal)."""
    lines = (line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return "\n".join(re.sub(r"--[^'\n]*$", "", line) for line in lines)


def _chunks(text: str) -> list[str]:
    """The file's code between its `{{holes}}`, whitespace folded: what any rendering contains."""
    return [c for c in (" ".join(part.split()) for part in re.split(r"\{\{\s*\w+\s*\}\}", _code(text))) if c]


def test_every_report_query_file_is_replayed(statements: list[tuple[str, dict[str, Any]]]) -> None:
    ran = [" ".join(_code(sql).split()) for sql, _ in queries(statements)]
    missing = []
    for package in ("queries", "alerts"):
        folder = resources.files(f"llmcost.{package}").joinpath("sql")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            name = f"{package}/{entry.name.removesuffix('.sql')}"
            if not entry.name.endswith(".sql") or name in NOT_ON_SPARK:
                continue
            chunks = _chunks(entry.read_text("utf-8"))
            if not any(all(c in sql for c in chunks) for sql in ran):
                missing.append(name)
    assert missing == [], ", ".join(missing)
