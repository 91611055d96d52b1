-- The first stage of spend.sql from the requests: each group's counts, tokens and cost per time
-- slot. Costs stay DECIMAL: sum() over DECIMAL(18, 9) is an exact DECIMAL(38, 9). A request whose
-- cost is NULL under the cost mode is unpriced: left out of the sum and counted beside it, so an
-- unpriced model never reads as $0.
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
