-- Spend grouped by the chosen dimensions, over the half-open window and the user's filters.
-- Every value is a bound parameter; the dimensions (in the first stage) are allowlisted
-- expressions aliased d0, d1, ...
-- Two stages: the first (the slots hole: spend_slots.sql scanning the requests, or
-- rollup_spend_slots.sql summing the dashboard's rollup) groups time buckets by integer slot, and
-- the outer query turns the few slots into days, weeks or months in the report's zone (the buckets
-- hole); without a time dimension the outer stage just passes the groups through.
WITH slots AS (
    {{slots}}
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
