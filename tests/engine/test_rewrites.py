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
        # quantile_disc: the k-th smallest in the value's own type (Spark's percentile_disc is DOUBLE)
        (
            "SELECT quantile_disc(calls, 0.99) FROM t",
            "SELECT TRY_ELEMENT_AT(ARRAY_SORT(COLLECT_LIST(calls)), "
            "CAST(GREATEST(1, COUNT(calls) - FLOOR(COUNT(calls) - COUNT(calls) * 0.99)) AS INT)) FROM t",
        ),
        # a list of fractions: one each, in a list
        (
            "SELECT quantile_disc(c, [0.5, 0.99]) FROM t",
            "SELECT ARRAY(TRY_ELEMENT_AT(ARRAY_SORT(COLLECT_LIST(c)), "
            "CAST(GREATEST(1, COUNT(c) - FLOOR(COUNT(c) - COUNT(c) * 0.5)) AS INT)), "
            "TRY_ELEMENT_AT(ARRAY_SORT(COLLECT_LIST(c)), "
            "CAST(GREATEST(1, COUNT(c) - FLOOR(COUNT(c) - COUNT(c) * 0.99)) AS INT))) FROM t",
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
        # epoch_ms(instant) is a millisecond count (sqlglot alone reads it as TIMESTAMP_MILLIS)
        (
            "SELECT epoch_ms(max(r.ts)) - epoch_ms(min(r.ts)) AS ms FROM r",
            "SELECT UNIX_MILLIS(MAX(r.ts)) - UNIX_MILLIS(MIN(r.ts)) AS ms FROM r",
        ),
        # AS MATERIALIZED is a DuckDB planner hint Spark's grammar rejects
        (
            "WITH u AS MATERIALIZED (SELECT 1 AS x) SELECT x FROM u",
            "WITH u AS (SELECT 1 AS x) SELECT x FROM u",
        ),
        # a list in its ORDER BY: collect_list keeps no order, so the array is sorted by its keys
        # (and over no rows it is NULL, as DuckDB's list is)
        (
            "SELECT list((a, b) ORDER BY c DESC NULLS LAST, a) FROM t",
            "SELECT CASE WHEN SIZE(COLLECT_LIST(STRUCT(c AS k0, a AS k1, STRUCT(a, b) AS v))) = 0 THEN NULL "
            "ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(c AS k0, a AS k1, STRUCT(a, b) AS v)), "
            "(l, r) -> CASE "
            "WHEN NOT l.k0 IS NOT DISTINCT FROM r.k0 THEN CASE WHEN l.k0 IS NULL THEN 1 "
            "WHEN r.k0 IS NULL THEN -1 WHEN l.k0 < r.k0 THEN 1 ELSE -1 END "
            "WHEN NOT l.k1 IS NOT DISTINCT FROM r.k1 THEN CASE WHEN l.k1 IS NULL THEN 1 "
            "WHEN r.k1 IS NULL THEN -1 WHEN l.k1 < r.k1 THEN -1 ELSE 1 END "
            "ELSE 0 END), e -> e.v) END FROM t",
        ),
        (
            "SELECT list(x ORDER BY x NULLS FIRST) FROM t",
            "SELECT CASE WHEN SIZE(COLLECT_LIST(STRUCT(x AS k0, x AS v))) = 0 THEN NULL "
            "ELSE TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(x AS k0, x AS v)), (l, r) -> CASE "
            "WHEN NOT l.k0 IS NOT DISTINCT FROM r.k0 THEN CASE WHEN l.k0 IS NULL THEN -1 "
            "WHEN r.k0 IS NULL THEN 1 WHEN l.k0 < r.k0 THEN -1 ELSE 1 END "
            "ELSE 0 END), e -> e.v) END FROM t",
        ),
        # a sorted distinct list (trace_details' models): sorted as it is
        (
            "SELECT list_sort(list(DISTINCT r.model)) AS models FROM r",
            "SELECT ARRAY_SORT(COLLECT_LIST(DISTINCT r.model)) AS models FROM r",
        ),
    ],
)
def test_rewrite(duckdb: str, spark: str) -> None:
    assert to_spark(duckdb) == spark


def test_the_session_zone_statement_is_dropped() -> None:
    assert to_spark("SET TimeZone = 'UTC';") is None


@pytest.mark.spark
def test_an_ordered_list_and_epoch_ms_answer_as_on_duckdb(spark: object) -> None:
    """The rewritten forms on Spark: the list in DuckDB's order (a DESC key with NULLS LAST, ties
    broken by the next key) and the span in milliseconds."""
    import duckdb

    sql = (
        "SELECT list((a, b) ORDER BY c DESC NULLS LAST, b) AS top, "
        "epoch_ms(max(ts)) - epoch_ms(min(ts)) AS ms FROM (VALUES "
        "(1, 'x', NULL, TIMESTAMP '2026-01-01 00:00:00.123'), (2, 'z', 5.5, TIMESTAMP '2026-01-01 00:00:01'), "
        "(3, 'y', 5.5, TIMESTAMP '2026-01-01 00:00:02.5'), (4, 'w', 7.0, TIMESTAMP '2026-01-01 00:00:00')) "
        "AS t(a, b, c, ts)"
    )
    assert duckdb.sql(sql).fetchall() == [([(4, "w"), (3, "y"), (2, "z"), (1, "x")], 2500)]
    spark_sql = to_spark(sql)
    assert spark_sql is not None
    (row,) = spark.sql(spark_sql).collect()  # type: ignore[attr-defined]
    assert [tuple(r) for r in row.top] == [(4, "w"), (3, "y"), (2, "z"), (1, "x")]
    assert row.ms == 2500
    empty = "SELECT list(a ORDER BY a) AS top FROM (VALUES (1)) AS t(a) WHERE a > 1"
    assert duckdb.sql(empty).fetchall() == [(None,)]
    assert spark.sql(to_spark(empty)).collect()[0].top is None  # type: ignore[attr-defined]


@pytest.mark.spark
def test_quantile_disc_answers_as_on_duckdb(spark: object) -> None:
    """DuckDB's nearest rank, in the value's DECIMAL type, for every group size from 1 to 30."""
    import duckdb

    rows = ", ".join(f"({n}, {i * 7 % 11 + i / 1000})" for n in range(1, 31) for i in range(n))
    sql = (
        "SELECT n, quantile_disc(v, [0.5, 0.9, 0.99]) AS q, quantile_disc(v, 0.25) AS q25 FROM "
        f"(SELECT n, CAST(v AS DECIMAL(18, 9)) AS v FROM (VALUES {rows}) AS t(n, v)) GROUP BY n ORDER BY n"
    )
    want = [(n, list(q), q25) for n, q, q25 in duckdb.sql(sql).fetchall()]
    spark_sql = to_spark(sql)
    assert spark_sql is not None
    got = [(r.n, list(r.q), r.q25) for r in spark.sql(spark_sql).collect()]  # type: ignore[attr-defined]
    assert got == want
    assert str(want[-1][1][0]).endswith("000")  # DECIMAL(18, 9), not a DOUBLE
