-- One measure's nearest-rank p50/p90/p99 per feature (total = 0) and over all features (total = 1)
-- (q_{{m}}), and per feature its count, sum and maximum (f_{{m}}), for trace_report.sql, by DuckDB's
-- quantile_disc over the per-unit rows: a selection per group, no sort, which is the cheaper way
-- when nearly every unit has its own value (cost, duration: a histogram would be as long as the
-- units and its running count a sort of them); trace_quantiles.sql is the way for few distinct
-- values. quantile_disc picks the k-th smallest, k = n - floor(n - n*q) (at least 1), the rank the
-- histogram way reads. NULLs (a unit with no priced call) are not counted, as there; a group with
-- none but NULLs has NULL percentiles, as there it has no row.
a_{{m}} AS (
    SELECT
        grouping(feature) AS total, feature, count({{m}}) AS n, sum({{m}}) AS s, max({{m}}) AS mx,
        quantile_disc({{m}}, [0.5, 0.9, 0.99]) AS q
    FROM units
    GROUP BY GROUPING SETS ((feature), ())
),
f_{{m}} AS (
    SELECT feature, n, s, mx FROM a_{{m}} WHERE total = 0
),
q_{{m}} AS (
    SELECT total, feature, q FROM a_{{m}}
)
