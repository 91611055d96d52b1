-- One measure's nearest-rank p50/p90/p99 per feature (total = 0) and over all features (total = 1)
-- (q_{{m}}), and per feature its count, sum and maximum (f_{{m}}), for trace_report.sql, by histogram:
-- the way for a measure of few distinct values (calls, tokens); trace_quantiles_disc.sql is the one
-- for a measure whose values are nearly all distinct (cost, duration). The histogram of {{m}} per
-- feature (h_{{m}}), then the smallest value whose running count
-- reaches rank k = n - floor(n - n*q) (at least 1), the rank quantile_disc picks. The all-features
-- row runs over the per-feature histograms as they are: a value present in two features is two rows,
-- which the running count treats as one value counted twice, so no merging GROUP BY is needed. NULLs
-- (a unit with no priced call) are not counted, as there.
h_{{m}} AS (
    SELECT feature, {{m}} AS v, count(*) AS n FROM units WHERE {{m}} IS NOT NULL GROUP BY feature, {{m}}
),
f_{{m}} AS (
    SELECT feature, sum(n)::BIGINT AS n, sum(v * n) AS s, max(v) AS mx FROM h_{{m}} GROUP BY feature
),
hist_{{m}} AS (
    SELECT 0 AS total, feature, v, n FROM h_{{m}}
    UNION ALL
    SELECT 1 AS total, NULL AS feature, v, n FROM h_{{m}}
),
run_{{m}} AS (
    SELECT
        total, feature, v,
        sum(n) OVER (PARTITION BY total, feature ORDER BY v ROWS UNBOUNDED PRECEDING) AS below,
        sum(n) OVER (PARTITION BY total, feature)::DOUBLE AS n
    FROM hist_{{m}}
),
q_{{m}} AS (
    SELECT
        total, feature,
        [min(v) FILTER (WHERE below >= greatest(1, n - floor(n - n * 0.5))),
         min(v) FILTER (WHERE below >= greatest(1, n - floor(n - n * 0.9))),
         min(v) FILTER (WHERE below >= greatest(1, n - floor(n - n * 0.99)))] AS q
    FROM run_{{m}}
    GROUP BY total, feature
)
