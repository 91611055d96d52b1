-- unit_spend.sql over the dashboard's rollup (rollup_create.sql): the ratio attribution's
-- numerator from the rollup's cells, the same two stages and columns.
WITH slots AS (
    SELECT
        {{dimensions}}
        sum(r.requests) AS requests,
        sum(r.cost_usd) AS cost_usd,
        sum(r.unpriced_requests) AS unpriced_requests,
        sum(r.unpriced_tokens) AS unpriced_tokens,
        sum(r.input_tokens) AS input_tokens,
        sum(r.output_tokens) AS output_tokens,
        sum(r.naive_timestamps) AS naive_timestamps
    FROM {{table}} AS r
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
