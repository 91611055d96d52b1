-- One pass over the rows to price: their distinct keys, how many rows and tokens each has, and
-- whether any already carries a cost (only then must the old costs be cleared first).
SELECT
    r.provider,
    r.model,
    r.service_tier,
    r.cache_hit,
    count(*) AS requests,
    sum(r.input_tokens) AS input_tokens,
    sum(r.output_tokens) AS output_tokens,
    bool_or(r.cost_usd IS NOT NULL OR r.price_ref IS NOT NULL) AS dirty
FROM {{table}} AS r
WHERE ({{where}})
GROUP BY ALL;
