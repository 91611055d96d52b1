SELECT DISTINCT r.provider, r.model, r.service_tier
FROM {{source}} AS r
WHERE NOT r.cache_hit
  AND ({{where}});
