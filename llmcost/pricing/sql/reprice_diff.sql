-- The change a re-derivation makes, by model and UTC month.
SELECT
    r.model,
    strftime(timezone('UTC', r.ts), '%Y-%m') AS month,
    count(*) AS requests,
    count(*) FILTER (
        WHERE r._old_cost IS DISTINCT FROM r.cost_usd OR r._old_ref IS DISTINCT FROM r.price_ref
    ) AS changed,
    sum(r._old_cost) AS old_cost,
    sum(r.cost_usd) AS new_cost,
    count(*) FILTER (WHERE r._old_cost IS NULL) AS old_unpriced,
    count(*) FILTER (WHERE r.cost_usd IS NULL) AS new_unpriced
FROM {{table}} AS r
WHERE ({{where}})
GROUP BY ALL;
