-- Spend grouped by the chosen dimensions, over the half-open window and the user's filters.
-- Every value is a bound parameter; {{dimensions}} are allowlisted expressions aliased d0, d1, ...
-- Two stages: the scan groups time buckets by integer slot, and the outer query turns the few
-- slots into days, weeks or months in the report's zone ({{buckets}}); without a time dimension
-- the outer stage just passes the groups through.
-- Costs stay DECIMAL: sum() over DECIMAL(18, 9) is an exact DECIMAL(38, 9). A request whose cost
-- is NULL under the cost mode is unpriced: left out of the sum and counted beside it, so an
-- unpriced model never reads as $0.
WITH slots AS (
    SELECT
        {{dimensions}}
        count(*) AS requests,
        count(*) FILTER (WHERE r.outcome = 'success') AS successes,
        -- failed = a known failure; 'unknown' (no outcome logged) is neither a success nor a failure
        count(*) FILTER (WHERE r.outcome IN ('error', 'timeout', 'rate_limited', 'cancelled')) AS failures,
        sum(r.input_tokens) AS input_tokens,
        sum(r.cached_input_tokens) AS cached_input_tokens,
        sum(r.cache_write_tokens) AS cache_write_tokens,
        sum(r.output_tokens) AS output_tokens,
        sum(r.reasoning_tokens) AS reasoning_tokens,
        count(*) FILTER (WHERE r.cache_hit) AS cache_hits,
        sum({{cost}}) AS cost_usd,
        count(*) FILTER (WHERE ({{cost}}) IS NULL) AS unpriced_requests,
        sum(r.input_tokens + r.output_tokens) FILTER (WHERE ({{cost}}) IS NULL) AS unpriced_tokens,
        count(*) FILTER (WHERE r.naive_ts) AS naive_timestamps
    FROM requests AS r
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
