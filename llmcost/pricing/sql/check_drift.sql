-- What the middleware logged against what the prices say, where both exist.
SELECT
    r.provider,
    r.model,
    count(*) AS requests,
    sum(r.logged_cost_usd) AS logged_cost,
    sum(r.cost_usd) AS derived_cost
FROM requests AS r
WHERE r.logged_cost_usd IS NOT NULL
  AND r.cost_usd IS NOT NULL
  AND NOT r.cache_hit
  AND ({{where}})
GROUP BY ALL
ORDER BY abs(sum(r.cost_usd) - sum(r.logged_cost_usd)) DESC, r.model, r.provider NULLS FIRST;
