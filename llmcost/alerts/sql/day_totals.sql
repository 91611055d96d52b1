-- The evaluated day at a glance: how many requests, how many without a cost under the cost mode.
SELECT count(*) AS requests,
       count(*) FILTER (WHERE {cost} IS NULL) AS unpriced
FROM requests
WHERE ts >= $since AND ts < $until
