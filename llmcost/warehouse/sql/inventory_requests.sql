-- Requests held, their time range, how many are unpriced (cache hits cost 0) or had naive times.
SELECT
    count(*),
    min(ts),
    max(ts),
    count(*) FILTER (cost_usd IS NULL AND NOT cache_hit),
    count(*) FILTER (naive_ts)
FROM requests;
