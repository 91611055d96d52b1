-- Spend, tokens and requests by tenant, feature and model in one scan of [$since, $until) (the
-- month to date), with the evaluated day [$day, $until) alongside: the Prometheus textfile's gauges.
-- `dimension` says which grouping set a row belongs to.
SELECT CASE WHEN grouping(tenant_id) = 0 THEN 'tenant' WHEN grouping(feature) = 0 THEN 'feature' ELSE 'model' END
           AS dimension,
       coalesce(tenant_id, feature, model) AS key,
       sum({cost}) AS cost_usd,
       sum(input_tokens + output_tokens) AS tokens,
       count(*) AS requests,
       sum({cost}) FILTER (WHERE ts >= $day) AS day_cost_usd,
       coalesce(sum(input_tokens + output_tokens) FILTER (WHERE ts >= $day), 0) AS day_tokens,
       count(*) FILTER (WHERE ts >= $day) AS day_requests,
       count(*) FILTER (WHERE {cost} IS NULL) AS unpriced,
       count(*) FILTER (WHERE ts >= $day AND {cost} IS NULL) AS day_unpriced
FROM requests
WHERE ts >= $since AND ts < $until
GROUP BY GROUPING SETS ((tenant_id), (feature), (model))
