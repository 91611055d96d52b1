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
