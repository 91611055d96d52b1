-- What a report in another zone counts differently from the invoice's UTC days and month: the
-- cost of requests whose local day differs from their UTC day, and of those that change month.
SELECT
    r.provider,
    r.model,
    count(*) FILTER (WHERE in_utc AND local_day <> utc_day)              AS shifted_requests,
    coalesce(sum(r.cost_usd) FILTER (WHERE in_utc AND local_day <> utc_day), 0) AS shifted_usd,
    coalesce(sum(r.cost_usd) FILTER (WHERE in_utc AND NOT in_local), 0)   AS leaves_month_usd,
    coalesce(sum(r.cost_usd) FILTER (WHERE in_local AND NOT in_utc), 0)   AS joins_month_usd
FROM (
    SELECT
        r.*,
        r.ts >= $since AND r.ts < $until                 AS in_utc,
        r.ts >= $local_since AND r.ts < $local_until     AS in_local,
        CAST(timezone($tz, r.ts) AS DATE)                AS local_day,
        CAST(timezone('UTC', r.ts) AS DATE)              AS utc_day
    FROM requests AS r
    WHERE r.ts >= least($since, $local_since) AND r.ts < greatest($until, $local_until)
) AS r
GROUP BY ALL
ORDER BY ALL
