-- The price keys of the window's response-cache hits: the cells cache_savings needs.
SELECT DISTINCT r.provider, r.model, r.service_tier
FROM requests AS r
WHERE {{scope}} AND r.cache_hit;
