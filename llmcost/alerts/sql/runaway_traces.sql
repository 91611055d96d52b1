-- The runaway-trace rule over [$since, $until): traces whose calls or cost pass $factor x the p99
-- of their feature's traces in the baseline [$base_since, $since) (a feature with fewer than
-- $min_traces traces there has no baseline), or that made more than $burst_calls calls within
-- any $burst_us microseconds. Floors ($min_calls, $min_cost) keep tiny traces quiet. A trace's
-- session, tenant and feature are those of its first call in the span.
WITH span AS (
    SELECT trace_id,
           arg_min(session_id, ts) AS session_id,
           arg_min(tenant_id, ts) AS tenant_id,
           arg_min(feature, ts) AS feature,
           count(*) AS calls,
           sum(input_tokens + output_tokens) AS tokens,
           sum({{cost}}) AS cost,
           min(ts) AS first_ts,
           max(ts) AS last_ts
    FROM requests
    WHERE ts >= $since AND ts < $until AND trace_id IS NOT NULL
    GROUP BY trace_id
),
base AS (
    SELECT feature, count(*) AS traces,
           quantile_disc(calls, 0.99) AS p99_calls,
           quantile_disc(cost, 0.99) AS p99_cost
    FROM (
        SELECT trace_id, arg_min(feature, ts) AS feature, count(*) AS calls, sum({{cost}}) AS cost
        FROM requests
        WHERE ts >= $base_since AND ts < $since AND trace_id IS NOT NULL
        GROUP BY trace_id
    )
    GROUP BY feature
),
burst AS (
    -- only traces with more calls in the span than the burst limit can burst
    SELECT trace_id, max(n) AS burst_calls, arg_max(ts, n) AS burst_start
    FROM (
        SELECT trace_id, ts,
               count(*) OVER (PARTITION BY trace_id ORDER BY epoch_us(ts)
                              RANGE BETWEEN CURRENT ROW AND $burst_us FOLLOWING) AS n
        FROM requests
        WHERE ts >= $since AND ts < $until
          AND trace_id IN (SELECT trace_id FROM span WHERE calls > $burst_calls)
    )
    GROUP BY trace_id
    HAVING max(n) > $burst_calls
)
SELECT s.trace_id, s.session_id, s.tenant_id, s.feature, s.calls, s.tokens, s.cost, s.first_ts, s.last_ts,
       b.traces, b.p99_calls, b.p99_cost, u.burst_calls, u.burst_start
FROM span AS s
LEFT JOIN base AS b ON b.feature IS NOT DISTINCT FROM s.feature
LEFT JOIN burst AS u ON u.trace_id = s.trace_id
WHERE u.trace_id IS NOT NULL
   OR (b.traces >= $min_traces
       AND ((s.calls >= $min_calls AND s.calls > $factor * b.p99_calls)
            OR (s.cost >= $min_cost AND s.cost > $factor * b.p99_cost)))
ORDER BY s.cost DESC NULLS LAST, s.calls DESC, s.trace_id
LIMIT $limit;
