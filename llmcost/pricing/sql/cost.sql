-- A request's cost from its cell: uncached input = input - cache reads - cache writes, each
-- token class at its own rate, so no cached token is counted twice. The sum is in atto-USD
-- (exact HUGEINT arithmetic); the discount applies to the total, which is rounded once, half
-- up, to the nano-dollar scale of cost_usd.
CAST(CAST((
    (
        (r.input_tokens - r.cached_input_tokens - r.cache_write_tokens) * c.c_input
        + r.cached_input_tokens * c.c_cache_read
        + (r.cache_write_tokens - r.cache_write_1h_tokens) * c.c_cache_write_5m
        + r.cache_write_1h_tokens * c.c_cache_write_1h
        + (r.output_tokens - r.reasoning_tokens) * c.c_output
        + r.reasoning_tokens * c.c_reasoning
        + c.c_per_request
    ) * c.c_num * 2 + c.c_den * 1000000000
) // (c.c_den * 2000000000) AS DECIMAL(18, 0)) * 0.000000001 AS DECIMAL(18, 9))
