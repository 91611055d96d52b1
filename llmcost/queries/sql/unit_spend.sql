-- All spend of each scope in the window (the ratio attribution's numerator). Time buckets in two
-- stages, as in spend.sql: the slots hole is unit_spend_slots.sql (the requests) or
-- rollup_unit_spend_slots.sql (the dashboard's rollup).
WITH slots AS (
    {{slots}}
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
