"""trace_report.sql's percentiles (read from per-feature histograms, the all-features row merged
from them) equal DuckDB's own quantile_disc over the per-trace rows, on random requests: many and
few traces, ties, NULL features, unpriced traces."""

from __future__ import annotations

import random

import duckdb
import pytest

from llmcost.queries import traces

REFERENCE = """
SELECT grouping(feature), feature, count(*),
       quantile_disc(cost, [0.5, 0.9, 0.99]), quantile_disc(calls, [0.5, 0.9, 0.99]),
       quantile_disc(tokens, [0.5, 0.9, 0.99]),
       quantile_disc(epoch_ms(l) - epoch_ms(f), [0.5, 0.9, 0.99])
FROM (SELECT trace_id, min(feature) AS feature, count(*) AS calls,
             sum(input_tokens + output_tokens) AS tokens, sum(cost_usd) AS cost,
             min(ts) AS f, max(ts) AS l
      FROM requests WHERE trace_id IS NOT NULL GROUP BY trace_id)
GROUP BY GROUPING SETS ((feature), ())
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


@pytest.mark.parametrize("seed", range(12))
def test_histogram_percentiles_equal_quantile_disc(seed: int) -> None:
    rnd = random.Random(seed)
    n = rnd.randint(1, 2500)
    con = duckdb.connect()
    con.execute("SELECT setseed(?)", [seed / 100])
    con.execute(
        REQUESTS,
        {
            "traces": rnd.randint(1, n),
            "features": rnd.randint(1, 5),
            "tokens": rnd.choice([3, 100, 100_000]),
            "n": n,
        },
    )
    scope_sql = traces.SQL.render(
        "trace_report",
        quantiles=",\n".join(
            traces.SQL.fragment("trace_quantiles", m=m) for m in ("cost", "calls", "tokens", "ms")
        ),
        unit="r.trace_id",
        scope="TRUE",
        cost="r.cost_usd",
    )
    ours = {
        (r[0], r[1]): (r[2], *(_spread(x) for x in (r[4], r[6], r[8], r[10])))
        for r in con.execute(scope_sql, {"top": 3}).fetchall()
    }
    theirs = {(r[0], r[1]): (r[2], *(_spread(x) for x in r[3:7])) for r in con.execute(REFERENCE).fetchall()}
    assert ours == theirs


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("how", ["disc", "chosen"])
def test_quantile_disc_pieces_equal_the_reference(seed: int, how: str) -> None:
    """The quantile_disc pieces (trace_quantiles_disc.sql), for every measure and as QUANTILES
    chooses them, give the same rows: per feature, all features, NULL features, unpriced traces."""
    rnd = random.Random(100 + seed)
    n = rnd.randint(1, 2500)
    con = duckdb.connect()
    con.execute("SELECT setseed(?)", [seed / 50])
    con.execute(
        REQUESTS,
        {
            "traces": rnd.randint(1, n),
            "features": rnd.randint(1, 5),
            "tokens": rnd.choice([3, 100, 100_000]),
            "n": n,
        },
    )
    methods = dict.fromkeys(traces.QUANTILES, "trace_quantiles_disc") if how == "disc" else traces.QUANTILES
    sql = traces.SQL.render(
        "trace_report",
        quantiles=",\n".join(traces.SQL.fragment(methods[m], m=m) for m in ("cost", "calls", "tokens", "ms")),
        unit="r.trace_id",
        scope="TRUE",
        cost="r.cost_usd",
    )
    ours = {
        (r[0], r[1]): (r[2], r[3], *(_spread(x) for x in (r[4], r[6], r[8], r[10])), r[5], r[7], r[9], r[11])
        for r in con.execute(sql, {"top": 3}).fetchall()
    }
    hist = traces.SQL.render(
        "trace_report",
        quantiles=",\n".join(
            traces.SQL.fragment("trace_quantiles", m=m) for m in ("cost", "calls", "tokens", "ms")
        ),
        unit="r.trace_id",
        scope="TRUE",
        cost="r.cost_usd",
    )
    theirs = {
        (r[0], r[1]): (r[2], r[3], *(_spread(x) for x in (r[4], r[6], r[8], r[10])), r[5], r[7], r[9], r[11])
        for r in con.execute(hist, {"top": 3}).fetchall()
    }
    assert ours == theirs


def test_empty_scope_gives_the_same_rows_either_way() -> None:
    con = duckdb.connect()
    con.execute(REQUESTS, {"traces": 1, "features": 1, "tokens": 3, "n": 0})
    rows = []
    for name in ("trace_quantiles", "trace_quantiles_disc"):
        sql = traces.SQL.render(
            "trace_report",
            quantiles=",\n".join(traces.SQL.fragment(name, m=m) for m in ("cost", "calls", "tokens", "ms")),
            unit="r.trace_id",
            scope="TRUE",
            cost="r.cost_usd",
        )
        rows.append(con.execute(sql, {"top": 3}).fetchall())
    assert rows[0] == rows[1]
