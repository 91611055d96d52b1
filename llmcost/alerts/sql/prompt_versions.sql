-- The prompt versions one feature ran in [$since, $until), most used first: the regression's detail.
SELECT prompt_version, count(*) AS requests
FROM requests
WHERE ts >= $since AND ts < $until AND feature IS NOT DISTINCT FROM $feature
GROUP BY prompt_version
ORDER BY requests DESC, prompt_version NULLS LAST
LIMIT 3
