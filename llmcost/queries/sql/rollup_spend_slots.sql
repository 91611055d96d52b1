-- The first stage of spend.sql from the dashboard's rollup (rollup_create.sql) instead of the
-- requests: the same columns, summing the rollup's cells instead of counting requests.
SELECT
    {{dimensions}}
    sum(r.requests) AS requests,
    coalesce(sum(r.requests) FILTER (WHERE r.outcome = 'success'), 0) AS successes,
    coalesce(
        sum(r.requests) FILTER (WHERE r.outcome IN ('error', 'timeout', 'rate_limited', 'cancelled')), 0
    ) AS failures,
    sum(r.input_tokens) AS input_tokens,
    sum(r.cached_input_tokens) AS cached_input_tokens,
    sum(r.cache_write_tokens) AS cache_write_tokens,
    sum(r.output_tokens) AS output_tokens,
    sum(r.reasoning_tokens) AS reasoning_tokens,
    sum(r.cache_hits) AS cache_hits,
    sum(r.cost_usd) AS cost_usd,
    sum(r.unpriced_requests) AS unpriced_requests,
    sum(r.unpriced_tokens) AS unpriced_tokens,
    sum(r.naive_timestamps) AS naive_timestamps
FROM {{table}} AS r
WHERE {{scope}}
GROUP BY ALL
