-- One measure's nearest-rank p50/p90/p99 per feature (total = 0) and over all features (total = 1),
-- for trace_report.sql: the histogram of {{m}} per feature (h_{{m}}, which trace_report.sql also
-- reads for the feature's count, sum and maximum), then the smallest value whose running count
-- reaches rank k = n - floor(n - n*q) (at least 1), the rank quantile_disc picks. The all-features
-- row runs over the per-feature histograms as they are: a value present in two features is two rows,
-- which the running count treats as one value counted twice, so no merging GROUP BY is needed. NULLs
-- (a unit with no priced call) are not counted, as there.
h_{{m}} AS (
    SELECT feature, {{m}} AS v, count(*) AS n FROM units WHERE {{m}} IS NOT NULL GROUP BY feature, {{m}}
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
