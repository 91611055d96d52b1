-- spend.sql over the dashboard's rollup (rollup_create.sql): the same two stages and columns,
-- the first stage summing the rollup's cells instead of counting requests.
WITH slots AS (
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
)
SELECT
    {{buckets}}
    sum(s.requests) AS requests,
    sum(s.successes) AS successes,
    sum(s.failures) AS failures,
    sum(s.input_tokens) AS input_tokens,
    sum(s.cached_input_tokens) AS cached_input_tokens,
    sum(s.cache_write_tokens) AS cache_write_tokens,
    sum(s.output_tokens) AS output_tokens,
    sum(s.reasoning_tokens) AS reasoning_tokens,
    sum(s.cache_hits) AS cache_hits,
    sum(s.cost_usd) AS cost_usd,
    sum(s.unpriced_requests) AS unpriced_requests,
    sum(s.unpriced_tokens) AS unpriced_tokens,
    sum(s.naive_timestamps) AS naive_timestamps
FROM slots AS s
GROUP BY ALL;
