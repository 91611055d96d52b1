"""trace_report.sql against Python over the same per-trace rows: per feature and over all features
the count, the exact cost, the nearest-rank p50/p90/p99 (k = n - floor(n - n*q), at least 1, of
the sorted values; unpriced traces not counted) and the maximum of cost, calls, tokens and duration;
and the top list, the costliest traces (unpriced last, then most calls, then id). Random requests:
many and few traces, ties, NULL features, unpriced traces, and an empty scope."""

from __future__ import annotations

import math
import random
from typing import Any

import duckdb
import pytest

from llmcost.queries import traces

PER_TRACE = """
SELECT trace_id, min(feature), count(*), sum(input_tokens + output_tokens), sum(cost_usd),
       min(ts), max(ts), epoch_ms(max(ts)) - epoch_ms(min(ts))
FROM requests WHERE trace_id IS NOT NULL GROUP BY trace_id
"""

REQUESTS = """
CREATE TABLE requests AS
SELECT CASE WHEN random() < 0.03 THEN NULL ELSE 't' || (random() * $traces)::INT END AS trace_id,
       CASE WHEN random() < 0.1 THEN NULL ELSE 'f' || (random() * $features)::INT END AS feature,
       (random() * $tokens)::BIGINT AS input_tokens, 1::BIGINT AS output_tokens,
       CASE WHEN random() < 0.05 THEN NULL ELSE (random() * 0.01)::DECIMAL(18, 9) END AS cost_usd,
       TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_milliseconds((random() * 1e7)::BIGINT) AS ts
FROM range($n)
"""


def _spread(q: list[object] | None) -> list[object] | None:
    return None if q is None or all(v is None for v in q) else list(q)


def _warehouse(rnd: random.Random, seed: float, n: int | None = None) -> duckdb.DuckDBPyConnection:
    """Up to 2,500 random requests in random traces and features, in memory."""
    n = rnd.randint(1, 2500) if n is None else n
    con = duckdb.connect()
    con.execute("SELECT setseed(?)", [seed])
    params = {
        "traces": rnd.randint(1, max(n, 1)),
        "features": rnd.randint(1, 5),
        "tokens": rnd.choice([3, 100, 100_000]),
    }
    con.execute(REQUESTS, {**params, "n": n})
    return con


REPORT = traces.SQL.render("trace_report", unit="r.trace_id", scope="TRUE", cost="r.cost_usd")


def _ours(
    con: duckdb.DuckDBPyConnection, top: int
) -> tuple[dict[tuple[object, object], tuple[object, ...]], list]:
    rows = con.execute(REPORT, {"top": top}).fetchall()
    spreads = {
        (r[0], r[1]): (r[2], r[3], *(_spread(x) for x in (r[4], r[6], r[8], r[10])), r[5], r[7], r[9], r[11])
        for r in rows
    }
    shown = (
        [tuple(t.values()) if isinstance(t, dict) else tuple(t) for t in (rows[0][-1] or [])] if rows else []
    )
    return spreads, shown


def _nearest_rank(values: list[Any]) -> list[Any] | None:
    if not values:
        return None
    ordered, n = sorted(values), len(values)
    return [ordered[max(1, n - math.floor(n - n * q)) - 1] for q in (0.5, 0.9, 0.99)]


def _theirs(con: duckdb.DuckDBPyConnection) -> dict[tuple[object, object], tuple[object, ...]]:
    """The expected rows, computed in Python from the per-trace rows."""
    units = con.execute(PER_TRACE).fetchall()
    groups: dict[tuple[object, object], list[tuple[Any, ...]]] = {(1, None): units}
    for u in units:
        groups.setdefault((0, u[1]), []).append(u)
    out = {}
    for key, rows in groups.items():
        cost, calls, tokens, ms = ([r[i] for r in rows if r[i] is not None] for i in (4, 2, 3, 7))
        out[key] = (
            len(rows),
            sum(cost) if cost else None,
            *(_nearest_rank(v) for v in (cost, calls, tokens, ms)),
            *(max(v) if v else None for v in (cost, calls, tokens, ms)),
        )
    return out


@pytest.mark.parametrize("seed", range(16))
def test_percentiles_and_sums_equal_the_reference(seed: int) -> None:
    rnd = random.Random(seed)
    con = _warehouse(rnd, seed / 100)
    ours, _ = _ours(con, 3)
    assert ours == _theirs(con)


@pytest.mark.parametrize("seed", range(8))
def test_top_is_the_costliest_then_most_calls_then_id(seed: int) -> None:
    rnd = random.Random(200 + seed)
    con = _warehouse(rnd, seed / 70)
    top = rnd.choice([1, 3, 20])
    _, shown = _ours(con, top)
    every = [u[:7] for u in con.execute(PER_TRACE).fetchall()]
    # costliest first, an unpriced trace (NULL cost) after every priced one, then most calls, then id
    every.sort(key=lambda t: (t[4] is None, -(t[4] or 0), -t[2], t[0]))
    assert shown == every[:top]


def test_empty_scope_has_a_total_row_of_nothing() -> None:
    con = _warehouse(random.Random(1), 0.1, n=0)
    ours, shown = _ours(con, 3)
    assert ours == {(1, None): (0, None, None, None, None, None, None, None, None, None)}
    assert shown == []
