-- The price keys of the staged request rows, canonical as requests.sql maps them (provider,
-- model, service_tier, cache_hit: keep these four expressions equal to its), for pricing to load
-- their cells before the fused COPY (dedup.fused). Distinct raw values first: a batch holds few.
-- No semicolon: a parenthesised relation spliced into pricing's keys.sql.
(
SELECT
    nullif(lower(trim(provider)), '') AS provider,
    trim(model) AS model,
    nullif(trim(service_tier), '') AS service_tier,
    llmcost_bool(cache_hit_raw) AS cache_hit
FROM (SELECT DISTINCT provider, model, service_tier, cache_hit_raw FROM staged WHERE kind = $label)
)
