-- Top tenants over the last 24 hours and the last 7 days before the anchor: one scan of the 7-day
-- window ({{scope}}), the 24-hour figures as FILTERed aggregates of the same rows.
SELECT
    r.tenant_id AS d0,
    count(*) FILTER (WHERE r.ts >= $day_start) AS requests_24h,
    sum({{cost}}) FILTER (WHERE r.ts >= $day_start) AS cost_24h,
    count(*) FILTER (WHERE r.ts >= $day_start AND ({{cost}}) IS NULL) AS unpriced_24h,
    count(*) AS requests_7d,
    sum({{cost}}) AS cost_7d,
    count(*) FILTER (WHERE ({{cost}}) IS NULL) AS unpriced_7d,
    sum(r.input_tokens + r.output_tokens) FILTER (WHERE ({{cost}}) IS NULL) AS unpriced_tokens,
    count(*) FILTER (WHERE r.naive_ts) AS naive_timestamps
FROM requests AS r
WHERE {{scope}}
GROUP BY ALL;
