-- Which features made the embedding tokens of [$since, $until), most first: the surge's detail.
SELECT feature, count(*) AS requests, sum(input_tokens + output_tokens) AS tokens
FROM requests
WHERE ts >= $since AND ts < $until AND list_contains($operations, operation)
GROUP BY feature
ORDER BY tokens DESC, feature NULLS LAST
LIMIT 3
