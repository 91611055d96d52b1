-- The window's response-cache hits as if each had gone to the provider, by the report's
-- dimensions: the same tokens with the cache_hit flag off, priced at the catalog's cell in force
-- at each hit's time (the cells, their match and the cost arithmetic are pricing's own:
-- llmcost.pricing.derive.price_join). The sum is what the hits would have cost: the savings they
-- stand for. One read-only statement (no working table), so Spark runs it as DuckDB does. Time
-- slots become buckets in the outer SELECT, as in spend.sql.
WITH cells AS (
    {{cells}}
),
hits AS (
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
        FALSE AS cache_hit
    FROM requests AS r
    WHERE {{scope}} AND r.cache_hit
),
priced AS (
    SELECT r.*, {{cost}} AS cost_usd
    FROM hits AS r
    LEFT JOIN cells AS c ON {{cell_match}}
)
SELECT
    {{buckets}}
    count(*) AS hits,
    sum(h.cost_usd) AS would_have_cost_usd,
    count(*) FILTER (WHERE h.cost_usd IS NULL) AS unpriced_hits
FROM priced AS h
GROUP BY ALL;
