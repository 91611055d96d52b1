-- The prompt versions one feature ran in [$since, $until), in the order they appeared: the
-- regression's detail ("roll back the prompt version").
SELECT prompt_version, count(*) AS requests, min(ts) AS first_used
FROM requests
WHERE ts >= $since AND ts < $until AND feature IS NOT DISTINCT FROM $feature AND prompt_version IS NOT NULL
GROUP BY prompt_version
ORDER BY first_used, prompt_version
LIMIT 5
