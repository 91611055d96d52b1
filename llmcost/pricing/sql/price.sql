-- One set-based join prices every request: uncached input = input - cache reads - cache writes,
-- each token class at its own rate, so no cached token is counted twice. The sum is in
-- atto-USD; the discount is applied to the total and the result rounded once, half up, to the
-- nano-dollar (the scale of cost_usd).
UPDATE {table} AS r
SET cost_usd = CAST(CAST((
        (
            (r.input_tokens - r.cached_input_tokens - r.cache_write_tokens) * c.c_input
            + r.cached_input_tokens * c.c_cache_read
            + (r.cache_write_tokens - r.cache_write_1h_tokens) * c.c_cache_write_5m
            + r.cache_write_1h_tokens * c.c_cache_write_1h
            + (r.output_tokens - r.reasoning_tokens) * c.c_output
            + r.reasoning_tokens * c.c_reasoning
            + c.c_per_request
        ) * c.c_num * 2 + c.c_den * 1000000000
    ) // (c.c_den * 2000000000) AS DECIMAL(18, 0)) * 0.000000001 AS DECIMAL(18, 9)),
    price_ref = c.c_ref
FROM _llmcost_price_cells AS c
WHERE c.c_provider IS NOT DISTINCT FROM r.provider
  AND c.c_model = r.model
  AND c.c_service_tier IS NOT DISTINCT FROM r.service_tier
  AND r.ts >= c.c_from
  AND r.ts < c.c_until
  -- time of day in UTC whatever the session time zone; non-negative for pre-1970 too
  AND (epoch_us(r.ts) % 86400000000 + 86400000000) % 86400000000 >= c.c_tod_from
  AND (epoch_us(r.ts) % 86400000000 + 86400000000) % 86400000000 < c.c_tod_until
  -- context-length tiers are chosen by total input tokens, cache reads and writes included
  AND r.input_tokens > c.c_above
  AND r.input_tokens <= c.c_upto
  AND NOT r.cache_hit
  AND {usage_valid}
  AND ({where});
