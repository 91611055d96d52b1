SELECT
    count(*) AS requests,
    count(r.cost_usd) AS priced,
    count(*) FILTER (WHERE r.cache_hit) AS cache_hits,
    coalesce(sum(r.cost_usd), 0) AS cost_usd
FROM {table} AS r
WHERE ({where});
