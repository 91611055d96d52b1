-- The session-budget rule: sessions with a call in [$since, $until), totalled over
-- [$lookback, $until) (a session that began before the span counts whole), over $max_tokens
-- tokens or $max_usd dollars (a NULL budget is not checked).
WITH active AS (
    SELECT DISTINCT session_id FROM requests
    WHERE ts >= $since AND ts < $until AND session_id IS NOT NULL
)
SELECT r.session_id,
       arg_min(r.tenant_id, r.ts) AS tenant_id,
       arg_min(r.feature, r.ts) AS feature,
       count(*) AS calls,
       count(DISTINCT r.trace_id) AS traces,
       sum(r.input_tokens + r.output_tokens) AS tokens,
       sum({{cost}}) AS cost,
       min(r.ts) AS first_ts,
       max(r.ts) AS last_ts
FROM requests AS r
WHERE r.ts >= $lookback AND r.ts < $until AND r.session_id IN (SELECT session_id FROM active)
GROUP BY r.session_id
HAVING (CAST($max_tokens AS BIGINT) IS NOT NULL AND sum(r.input_tokens + r.output_tokens) > $max_tokens)
    OR (CAST($max_usd AS DECIMAL(18, 9)) IS NOT NULL AND sum({{cost}}) > $max_usd)
ORDER BY cost DESC NULLS LAST, tokens DESC, r.session_id
LIMIT $limit;
