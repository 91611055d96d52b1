-- The first stage of unit_spend.sql from the dashboard's rollup (rollup_create.sql): the ratio
-- attribution's numerator from the rollup's cells, the same columns.
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
