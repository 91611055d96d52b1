-- Which price cell a request falls in: its key, the time range and UTC time of day of its
-- timestamp (whatever the session time zone; non-negative for pre-1970 too), and the
-- context-length band of its total input tokens (cache reads and writes included, as
-- genai-prices counts them). Cache hits and contradictory token counts match nothing.
c.c_provider IS NOT DISTINCT FROM r.provider
AND c.c_model = r.model
AND c.c_service_tier IS NOT DISTINCT FROM r.service_tier
AND r.ts >= c.c_from
AND r.ts < c.c_until
AND (epoch_us(r.ts) % 86400000000 + 86400000000) % 86400000000 >= c.c_tod_from
AND (epoch_us(r.ts) % 86400000000 + 86400000000) % 86400000000 < c.c_tod_until
AND r.input_tokens > c.c_above
AND r.input_tokens <= c.c_upto
AND NOT r.cache_hit
AND {{usage_valid}}
