-- What the staged cache hits would have cost, by the report's dimensions (time slots turned into
-- buckets here, as in spend.sql).
SELECT
    {{buckets}}
    count(*) AS hits,
    sum(h.cost_usd) AS would_have_cost_usd,
    count(*) FILTER (WHERE h.cost_usd IS NULL) AS unpriced_hits
FROM _llmcost_cache_hits AS h
GROUP BY ALL;
