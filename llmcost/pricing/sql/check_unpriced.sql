-- Requests with no derived cost (cache hits cost 0 and are not among them), by model.
SELECT
    r.provider,
    r.model,
    count(*) AS requests,
    sum(r.input_tokens) AS input_tokens,
    sum(r.output_tokens) AS output_tokens,
    min(r.ts) AS first_seen,
    max(r.ts) AS last_seen,
    sum(r.logged_cost_usd) AS logged_cost
FROM requests AS r
WHERE r.cost_usd IS NULL
  AND ({{where}})
GROUP BY ALL
ORDER BY requests DESC, r.model, r.provider NULLS FIRST;
