-- The logs' side of one month, in groups small enough to price in Python with Decimal: one row per
-- (provider, model, UTC day, price used, failed or not). Token classes follow the cost arithmetic
-- in llmcost/pricing/sql/cost.sql, so each class times its rate in `prices` is that class's cost.
SELECT
    r.provider,
    r.model,
    CAST(timezone('UTC', r.ts) AS DATE)                                     AS day,
    r.price_ref,
    r.outcome IN ('timeout', 'error', 'rate_limited', 'cancelled')         AS failed,
    count(*)                                                                AS requests,
    count(*) FILTER (WHERE r.cost_usd IS NULL AND NOT r.cache_hit)          AS unpriced,
    count(*) FILTER (WHERE r.cache_hit)                                     AS cache_hits,
    sum(r.cost_usd)                                                         AS cost_usd,
    sum(r.input_tokens - r.cached_input_tokens - r.cache_write_tokens)      AS input,
    sum(r.cached_input_tokens)                                              AS cache_read,
    sum(r.cache_write_tokens - r.cache_write_1h_tokens)                     AS cache_write_5m,
    sum(r.cache_write_1h_tokens)                                            AS cache_write_1h,
    sum(r.output_tokens - r.reasoning_tokens)                               AS output,
    sum(r.reasoning_tokens)                                                 AS reasoning
FROM requests AS r
WHERE r.ts >= $since AND r.ts < $until
GROUP BY ALL
ORDER BY ALL
