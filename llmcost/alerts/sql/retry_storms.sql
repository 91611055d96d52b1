-- The retry-storm rule over [$since, $until): failed calls (outcome in $outcomes) of one tenant
-- and feature ($by_trace false) or of one trace ($by_trace true), at least $min_failures of them
-- within some $window_us microseconds. Per group: the most failures in one such window, when it
-- began and ended, what those failed calls cost, and the span's failures and their cost.
WITH failed AS (
    SELECT tenant_id, feature, trace_id, ts, {{cost}} AS cost,
           CASE WHEN $by_trace THEN trace_id ELSE coalesce(tenant_id, '') || chr(0) || coalesce(feature, '') END AS grp
    FROM requests
    WHERE ts >= $since AND ts < $until AND list_contains($outcomes, outcome)
      AND (NOT $by_trace OR trace_id IS NOT NULL)
),
windows AS (
    SELECT *,
           count(*) OVER w AS n,
           max(ts) OVER w AS window_last,
           sum(cost) OVER w AS window_cost
    FROM failed
    WINDOW w AS (PARTITION BY grp ORDER BY epoch_us(ts) RANGE BETWEEN CURRENT ROW AND $window_us FOLLOWING)
)
SELECT arg_min(tenant_id, ts) AS tenant_id,
       arg_min(feature, ts) AS feature,
       CASE WHEN $by_trace THEN grp END AS trace_id,
       max(n) AS storm_failures,
       arg_max(ts, n) AS storm_start,
       arg_max(window_last, n) AS storm_end,
       arg_max(window_cost, n) AS storm_cost,
       count(*) AS failures,
       sum(cost) AS failures_cost,
       min(ts) AS first_ts,
       max(ts) AS last_ts
FROM windows
GROUP BY grp
HAVING max(n) >= $min_failures
ORDER BY storm_failures DESC, grp
LIMIT $limit;
