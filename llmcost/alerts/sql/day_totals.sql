-- The evaluated day at a glance: how many requests, how many without a cost under the cost mode.
SELECT count(*) AS requests,
       count(*) - count({{cost}}) AS unpriced
FROM requests
WHERE ts >= $since AND ts < $until
