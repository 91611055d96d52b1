-- All spend of each scope in the window (the ratio attribution's numerator): only the columns
-- unit economics shows, so the scan reads and sums no more than it must. Time buckets in two
-- stages, as in spend.sql.
WITH slots AS (
    SELECT
        {{dimensions}}
        count(*) AS requests,
        sum({{cost}}) AS cost_usd,
        count(*) FILTER (WHERE ({{cost}}) IS NULL) AS unpriced_requests,
        sum(r.input_tokens + r.output_tokens) FILTER (WHERE ({{cost}}) IS NULL) AS unpriced_tokens,
        sum(r.input_tokens) AS input_tokens,
        sum(r.output_tokens) AS output_tokens,
        count(*) FILTER (WHERE r.naive_ts) AS naive_timestamps
    FROM requests AS r
    WHERE {{scope}}
    GROUP BY ALL
)
SELECT
    {{buckets}}
    sum(s.requests) AS requests,
    sum(s.cost_usd) AS cost_usd,
    sum(s.unpriced_requests) AS unpriced_requests,
    sum(s.unpriced_tokens) AS unpriced_tokens,
    sum(s.input_tokens) AS input_tokens,
    sum(s.output_tokens) AS output_tokens,
    sum(s.naive_timestamps) AS naive_timestamps
FROM slots AS s
GROUP BY ALL;
