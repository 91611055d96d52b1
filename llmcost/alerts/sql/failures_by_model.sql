-- Where the failures of [$since, $until) came from, most first: the error burn's detail.
SELECT provider, model,
       count(*) FILTER (WHERE list_contains($outcomes, outcome)) AS failures,
       count(*) AS requests
FROM requests
WHERE ts >= $since AND ts < $until
GROUP BY ALL
ORDER BY failures DESC, requests DESC, provider NULLS LAST, model
LIMIT 3
