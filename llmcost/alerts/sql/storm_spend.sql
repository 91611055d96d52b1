-- Everything one tenant and feature spent in [$since, $until) (a storm's window, as the retry-storm
-- alert names it): every call, failed or not, and its cost.
SELECT count(*) AS calls, sum({{cost}}) AS cost
FROM requests
WHERE ts >= $since AND ts <= $until
  AND tenant_id IS NOT DISTINCT FROM $tenant AND feature IS NOT DISTINCT FROM $feature;
