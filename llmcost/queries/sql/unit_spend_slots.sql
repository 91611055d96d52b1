-- The first stage of unit_spend.sql from the requests: only the columns unit economics shows, so
-- the scan reads and sums no more than it must.
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
