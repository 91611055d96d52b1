"""The rewrite table, statement by statement (no Spark needed: sqlglot only)."""

from __future__ import annotations

import pytest

from llmcost.warehouse.engine import to_spark

pytest.importorskip("sqlglot")


@pytest.mark.parametrize(
    ("duckdb", "spark"),
    [
        ("SELECT epoch_us(r.ts) FROM r", "SELECT UNIX_MICROS(r.ts) FROM r"),
        (
            "SELECT make_timestamptz(3 * 86400000000) FROM r",
            "SELECT TIMESTAMP_MICROS(3 * 86400000000) FROM r",
        ),
        # the argument of a rewritten call is rewritten too
        (
            "SELECT timezone($tz, make_timestamptz(s.d0)) FROM s",
            "SELECT FROM_UTC_TIMESTAMP(TIMESTAMP_MICROS(s.d0), :tz) FROM s",
        ),
        # DuckDB's `/` and avg are DOUBLE; Spark's would be a rounded DECIMAL for DECIMAL operands
        ("SELECT sum(c) / sum(n) FROM t", "SELECT CAST(SUM(c) AS DOUBLE) / CAST(SUM(n) AS DOUBLE) FROM t"),
        ("SELECT avg(c) FROM t", "SELECT AVG(CAST(c AS DOUBLE)) FROM t"),
        # Spark's percentile_disc is the ordered-set form only
        (
            "SELECT quantile_disc(calls, 0.99) FROM t",
            "SELECT PERCENTILE_DISC(0.99) WITHIN GROUP (ORDER BY calls NULLS LAST) FROM t",
        ),
        # HUGEINT (the pricing cells' atto-USD rates) is Spark's widest exact integer; `//` is DIV
        (
            "SELECT CAST($r AS HUGEINT) * t.n // 7 FROM t",
            "SELECT CAST(:r AS DECIMAL(38, 0)) * t.n DIV 7 FROM t",
        ),
        # sums stay exact: nothing is cast
        ("SELECT sum(c) FROM t WHERE ts >= $since", "SELECT SUM(c) FROM t WHERE ts >= :since"),
        (
            "SELECT count(*) FILTER (WHERE list_contains($o, x)) FROM t GROUP BY ALL",
            "SELECT COUNT(*) FILTER(WHERE ARRAY_CONTAINS(:o, x)) FROM t GROUP BY ALL",
        ),
    ],
)
def test_rewrite(duckdb: str, spark: str) -> None:
    assert to_spark(duckdb) == spark


def test_the_session_zone_statement_is_dropped() -> None:
    assert to_spark("SET TimeZone = 'UTC';") is None
