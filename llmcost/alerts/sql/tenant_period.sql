-- Per tenant: the month to date [$month_start, $until) (monthly plan limits; summed over tenants,
-- the org's month to date) and the run-rate window [$rate_start, $until) (summed, the org's run
-- rate). Two grouped scans beat one with FILTERed sums, and neither computes a day per row.
-- A request without a cost (unpriced) is counted as count(*) - count(cost): cheaper than a FILTER.
SELECT 'month' AS part, tenant_id, count(*) AS requests, sum({{cost}}) AS cost_usd,
       count(*) - count({{cost}}) AS unpriced
FROM requests
WHERE ts >= $month_start AND ts < $until
GROUP BY ALL
UNION ALL
SELECT 'rate' AS part, tenant_id, count(*) AS requests, sum({{cost}}) AS cost_usd,
       count(*) - count({{cost}}) AS unpriced
FROM requests
WHERE ts >= $rate_start AND ts < $until
GROUP BY ALL
