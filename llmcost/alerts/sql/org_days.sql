-- The organisation's requests and cost per UTC day in [$since, $until): month-to-date spend and
-- the run rate the month-end forecast extrapolates.
SELECT CAST(epoch_us(ts) // 86400000000 AS INTEGER) AS day,
       count(*) AS requests,
       sum({{cost}}) AS cost_usd,
       count(*) - count({{cost}}) AS unpriced
FROM requests
WHERE ts >= $since AND ts < $until
GROUP BY ALL
