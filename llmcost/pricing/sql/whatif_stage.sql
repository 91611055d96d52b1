-- The window's traffic with its actual cost (under the report's cost mode), relabelled as the
-- target model so apply_prices can price it exactly as it prices real requests.
CREATE OR REPLACE TEMP TABLE _llmcost_whatif AS
SELECT
    r.ts,
    r.service_tier,
    r.cache_hit,
    r.input_tokens,
    r.cached_input_tokens,
    r.cache_write_tokens,
    r.cache_write_1h_tokens,
    r.output_tokens,
    r.reasoning_tokens,
    r.provider AS from_provider,
    r.model AS from_model,
    {{cost}} AS actual_cost,
    CAST($to_provider AS VARCHAR) AS provider,
    CAST($to_model AS VARCHAR) AS model,
    CAST(NULL AS DECIMAL(18, 9)) AS cost_usd,
    CAST(NULL AS VARCHAR) AS price_ref
FROM requests AS r
WHERE ({{where}});
