-- The retry-storm rule over [$since, $until): failed calls (outcome in $outcomes) of one tenant
-- and feature (by_trace false: at least $min_failures of them) and of one trace (by_trace true: at
-- least $min_trace_failures) within some $window_us microseconds. Per group: the most failures in
-- one such window, when it began and ended, what those failed calls cost, and the span's failures
-- and their cost; the $limit largest groups of each kind. The failed calls are read once for both
-- kinds (two statements read the requests twice: benchmarks/RESULTS.md, "HTML round 4").
WITH failed AS MATERIALIZED (
    SELECT tenant_id, feature, trace_id, ts, {{cost}} AS cost
    FROM requests
    WHERE ts >= $since AND ts < $until AND list_contains($outcomes, outcome)
),
keyed AS (
    SELECT false AS by_trace, coalesce(tenant_id, '') || chr(0) || coalesce(feature, '') AS grp,
           tenant_id, feature, ts, cost
    FROM failed
    UNION ALL
    SELECT true AS by_trace, trace_id AS grp, tenant_id, feature, ts, cost
    FROM failed
    WHERE trace_id IS NOT NULL
),
windows AS (
    SELECT *,
           count(*) OVER w AS n,
           max(ts) OVER w AS window_last,
           sum(cost) OVER w AS window_cost
    FROM keyed
    WINDOW w AS (PARTITION BY by_trace, grp ORDER BY epoch_us(ts) RANGE BETWEEN CURRENT ROW AND $window_us FOLLOWING)
),
storms AS (
    SELECT by_trace,
           grp,
           arg_min(tenant_id, ts) AS tenant_id,
           arg_min(feature, ts) AS feature,
           CASE WHEN by_trace THEN grp END AS trace_id,
           max(n) AS storm_failures,
           arg_max(ts, n) AS storm_start,
           arg_max(window_last, n) AS storm_end,
           arg_max(window_cost, n) AS storm_cost,
           count(*) AS failures,
           sum(cost) AS failures_cost,
           min(ts) AS first_ts,
           max(ts) AS last_ts
    FROM windows
    GROUP BY by_trace, grp
    HAVING max(n) >= CASE WHEN by_trace THEN $min_trace_failures ELSE $min_failures END
)
SELECT by_trace, tenant_id, feature, trace_id, storm_failures, storm_start, storm_end, storm_cost,
       failures, failures_cost, first_ts, last_ts
FROM storms
QUALIFY row_number() OVER (PARTITION BY by_trace ORDER BY storm_failures DESC, grp) <= $limit
ORDER BY by_trace, storm_failures DESC, grp;
