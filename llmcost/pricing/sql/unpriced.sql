SELECT
    r.provider,
    r.model,
    r.service_tier,
    count(*) AS requests,
    sum(r.input_tokens) AS input_tokens,
    sum(r.output_tokens) AS output_tokens,
    count(*) FILTER (WHERE NOT {{usage_valid}}) AS inconsistent
FROM {{table}} AS r
WHERE r.cost_usd IS NULL
  AND ({{where}})
GROUP BY ALL;
