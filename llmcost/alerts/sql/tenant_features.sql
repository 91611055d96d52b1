-- What one tenant spent on each feature in [$since, $until), largest first: the spike's detail.
SELECT feature, count(*) AS requests, sum({{cost}}) AS cost_usd
FROM requests
WHERE ts >= $since AND ts < $until AND tenant_id IS NOT DISTINCT FROM $tenant
GROUP BY feature
ORDER BY cost_usd DESC NULLS LAST, requests DESC, feature NULLS LAST
LIMIT 3
