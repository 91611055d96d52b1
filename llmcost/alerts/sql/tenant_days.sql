-- Requests and cost per tenant per UTC day in [$since, $until): the tenant-spike day and its
-- trailing baseline, the plan's daily limit, the budgets report.
-- A day is an epoch-day number (days since 1970-01-01 UTC): casting a TIMESTAMPTZ to DATE goes
-- through the time-zone library and costs several times more on millions of rows.
SELECT tenant_id,
       CAST(epoch_us(ts) // 86400000000 AS INTEGER) AS day,
       count(*) AS requests,
       sum({{cost}}) AS cost_usd,
       count(*) - count({{cost}}) AS unpriced
FROM requests
WHERE ts >= $since AND ts < $until
GROUP BY ALL
