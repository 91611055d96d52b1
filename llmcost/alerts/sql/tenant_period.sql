-- Requests and cost per tenant in [$since, $until): month-to-date spend against monthly limits.
SELECT tenant_id,
       count(*) AS requests,
       sum({cost}) AS cost_usd,
       count(*) FILTER (WHERE {cost} IS NULL) AS unpriced
FROM requests
WHERE ts >= $since AND ts < $until
GROUP BY ALL
