-- unpriced_models.sql over the dashboard's rollup (rollup_create.sql): the cells' unpriced
-- counts and tokens by model, in the same order and limit.
SELECT r.provider, r.model, sum(r.unpriced_requests) AS requests, sum(r.unpriced_tokens) AS tokens
FROM {{table}} AS r
WHERE {{scope}} AND r.unpriced_requests > 0
GROUP BY r.provider, r.model
ORDER BY requests DESC, r.model, r.provider NULLS FIRST
LIMIT 10;
