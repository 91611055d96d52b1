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


MEASURES = ("cost", "calls", "tokens", "ms")


def _warehouse(rnd: random.Random, seed: float) -> duckdb.DuckDBPyConnection:
    """Up to 2,500 random requests in random traces and features, in memory."""
    n = rnd.randint(1, 2500)
    con = duckdb.connect()
    con.execute("SELECT setseed(?)", [seed])
    params = {
        "traces": rnd.randint(1, n),
        "features": rnd.randint(1, 5),
        "tokens": rnd.choice([3, 100, 100_000]),
    }
    con.execute(REQUESTS, {**params, "n": n})
    return con


def _report(methods: dict[str, str]) -> str:
    """trace_report.sql over every request, each measure's percentiles from the piece `methods` names."""
    return traces.SQL.render(
        "trace_report",
        quantiles=",\n".join(traces.SQL.fragment(methods[m], m=m) for m in MEASURES),
        unit="r.trace_id",
        scope="TRUE",
        cost="r.cost_usd",
    )


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> dict[tuple[object, object], tuple[object, ...]]:
    return {
        (r[0], r[1]): (r[2], r[3], *(_spread(x) for x in (r[4], r[6], r[8], r[10])), r[5], r[7], r[9], r[11])
        for r in con.execute(sql, {"top": 3}).fetchall()
    }


HISTOGRAMS = dict.fromkeys(MEASURES, "trace_quantiles")


@pytest.mark.parametrize("seed", range(12))
def test_histogram_percentiles_equal_quantile_disc(seed: int) -> None:
    con = _warehouse(random.Random(seed), seed / 100)
    ours = {
        (r[0], r[1]): (r[2], *(_spread(x) for x in (r[4], r[6], r[8], r[10])))
        for r in con.execute(_report(HISTOGRAMS), {"top": 3}).fetchall()
    }
    theirs = {(r[0], r[1]): (r[2], *(_spread(x) for x in r[3:7])) for r in con.execute(REFERENCE).fetchall()}
    assert ours == theirs


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("how", ["disc", "chosen"])
def test_quantile_disc_pieces_equal_the_reference(seed: int, how: str) -> None:
    """The quantile_disc pieces (trace_quantiles_disc.sql), for every measure and as QUANTILES
    chooses them, give the same rows: per feature, all features, NULL features, unpriced traces."""
    con = _warehouse(random.Random(100 + seed), seed / 50)
    methods = dict.fromkeys(MEASURES, "trace_quantiles_disc") if how == "disc" else dict(traces.QUANTILES)
    assert _rows(con, _report(methods)) == _rows(con, _report(HISTOGRAMS))


def test_empty_scope_gives_the_same_rows_either_way() -> None:
    con = duckdb.connect()
    con.execute(REQUESTS, {"traces": 1, "features": 1, "tokens": 3, "n": 0})
    rows = [
        con.execute(_report(dict.fromkeys(MEASURES, name)), {"top": 3}).fetchall()
        for name in ("trace_quantiles", "trace_quantiles_disc")
    ]
    assert rows[0] == rows[1]
