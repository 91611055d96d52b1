-- Served from an application or gateway cache: no provider call, so nothing to pay.
UPDATE {{table}} AS r
SET cost_usd = 0, price_ref = $cache_hit_ref
WHERE r.cache_hit
  AND ({{where}});
