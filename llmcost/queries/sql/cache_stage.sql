-- The window's response-cache hits as if each had gone to the provider: the same tokens with the
-- cache_hit flag off, so pricing (llmcost.pricing.apply_prices) prices them like any call. The
-- sum is what the hits would have cost: the savings they stand for. TEMP: a reader may write it.
CREATE OR REPLACE TEMP TABLE _llmcost_cache_hits AS
SELECT
    {{dimensions}}
    r.ts,
    r.provider,
    r.model,
    r.service_tier,
    r.input_tokens,
    r.cached_input_tokens,
    r.cache_write_tokens,
    r.cache_write_1h_tokens,
    r.output_tokens,
    r.reasoning_tokens,
    FALSE AS cache_hit,
    CAST(NULL AS DECIMAL(18, 9)) AS cost_usd,
    CAST(NULL AS VARCHAR) AS price_ref
FROM requests AS r
WHERE {{scope}} AND r.cache_hit;
