"""Every query the reports run, DuckDB vs Spark on the same files: the same rows, exactly.

The statements are recorded while the real commands run on DuckDB (report, view, unit, alerts,
budgets, the HTML dashboard), then each is run again on DuckDB and on Spark (transpiled by
llmcost.warehouse.engine) and the answers compared value for value, type for type.
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest

from tests.engine.conftest import Built
from tests.html.conftest import SINCE, UNTIL

pytestmark = pytest.mark.spark

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("report",),
    ("report", "--by", "feature", "--by", "model", "--tz", "America/New_York"),
    ("report", "--by", "day", "--by", "outcome", "--cost", "logged"),
    ("report", "--by", "week", "--tz", "Asia/Kolkata", "--where", "provider=openai"),
    ("report", "--by", "month", "--by", "tenant", "--top", "5"),
    ("view", "daily"),
    ("view", "top-tenants"),
    ("view", "models"),
    ("view", "io"),
    ("view", "retrieval", "--by", "feature"),
    ("view", "failures"),
    ("unit", "--by", "tenant", "--event", "draft_accepted"),
    ("unit", "--by", "feature", "--event", "ticket_resolved", "--attribution", "both"),
    ("alerts", "--at", "2026-10-14"),
    ("budgets", "--at", "2026-10-14"),
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
def statements(built: Built) -> list[tuple[str, dict[str, Any]]]:
    from llmcost.cli import main
    from llmcost.queries import session

    log: list[tuple[str, dict[str, Any]]] = []
    real = session.prepare
    window = ["--since", SINCE, "--until", UNTIL]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(session, "prepare", lambda wh: Recorder(real(wh), log))
        for cmd in COMMANDS:
            extra = [] if cmd[0] in ("alerts", "budgets") or cmd[-1] == "top-tenants" else window
            assert main([*cmd, "--format", "json", *extra, *built.args()]) in (0, 1), cmd
        html = ["report", "--format", "html", "-o", str(built.db.parent / "r.html")]
        assert main([*html, *window, *built.args()]) == 0
    return log


# Statements the replay leaves out, by their first word: session settings and the cache view's
# working table (CREATE TEMP TABLE, priced in place by UPDATE, dropped).
NOT_QUERIES = ("SET", "CREATE", "UPDATE", "DROP", "INSERT", "DELETE")


def queries(log: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    seen: set[str] = set()
    out = []
    for sql, params in log:
        code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).strip()
        key = sql + repr(sorted(params.items()))
        if code.split(None, 1)[0].upper() in NOT_QUERIES or "_llmcost_" in code or key in seen:
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
    if isinstance(value, list | tuple):
        return ("list", tuple(exact(v) for v in value))
    return (type(value).__name__, value)


_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def answer(con: Any, sql: str, params: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    cur = con.execute(sql, params)
    # an expression without an alias is named by each engine its own way; code reads aliases only
    names = [d[0] if _NAME.fullmatch(d[0]) else "?" for d in cur.description or []]
    rows = [tuple(exact(v) for v in row) for row in cur.fetchall()]
    if "ORDER BY" not in sql.upper():
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
            want = answer(con, sql, params)
            t = time.perf_counter()
            got = answer(on_spark, sql, params)
            print(f"{time.perf_counter() - t:.2f}", first_line(sql))
            if got != want:
                differ.append((sql, want, got))
    print(len(todo))
    for sql, want, got in differ:
        print("DIFF", first_line(sql), str(want)[:300], str(got)[:300])
    assert not differ, differ[0]


def first_line(sql: str) -> str:
    return next(line for line in sql.splitlines() if not line.startswith("--"))[:80]
