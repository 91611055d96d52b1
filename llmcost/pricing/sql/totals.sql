SELECT coalesce(sum(r.cost_usd), 0) AS cost_usd
FROM {{table}} AS r
WHERE ({{where}});
