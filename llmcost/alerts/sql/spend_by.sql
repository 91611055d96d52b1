-- Spend, tokens and requests by tenant, feature and model, for the month to date
-- [$month_start, $until) and for the evaluated day [$day, $until): the Prometheus textfile's
-- gauges (successes and failures as `llmcost report` counts them: `unknown` is neither). `dimension` names the grouping set a row belongs to; two scans without FILTERs beat one
-- with them.
SELECT 'month' AS part,
       CASE WHEN grouping(tenant_id) = 0 THEN 'tenant' WHEN grouping(feature) = 0 THEN 'feature' ELSE 'model' END
           AS dimension,
       coalesce(tenant_id, feature, model) AS key,
       sum({{cost}}) AS cost_usd,
       sum(input_tokens + output_tokens) AS tokens,
       count(*) AS requests,
       count(*) - count({{cost}}) AS unpriced,
       count(*) FILTER (WHERE outcome = 'success') AS successes,
       count(*) FILTER (WHERE outcome IN ('error', 'timeout', 'rate_limited', 'cancelled')) AS failures
FROM requests
WHERE ts >= $month_start AND ts < $until
GROUP BY GROUPING SETS ((tenant_id), (feature), (model))
UNION ALL
SELECT 'day' AS part,
       CASE WHEN grouping(tenant_id) = 0 THEN 'tenant' WHEN grouping(feature) = 0 THEN 'feature' ELSE 'model' END
           AS dimension,
       coalesce(tenant_id, feature, model) AS key,
       sum({{cost}}) AS cost_usd,
       sum(input_tokens + output_tokens) AS tokens,
       count(*) AS requests,
       count(*) - count({{cost}}) AS unpriced,
       count(*) FILTER (WHERE outcome = 'success') AS successes,
       count(*) FILTER (WHERE outcome IN ('error', 'timeout', 'rate_limited', 'cancelled')) AS failures
FROM requests
WHERE ts >= $day AND ts < $until
GROUP BY GROUPING SETS ((tenant_id), (feature), (model))
