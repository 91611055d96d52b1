-- check_all.sql's cells from the HTML report's rollup (llmcost/queries/sql/rollup_create.sql, made
-- with the check's keys and sums, prefixed price_check_): its cells split check_cells.sql's further
-- (by time slot, feature, operation and outcome), so summing them gives the same cells.
SELECT
    r.provider,
    r.model,
    r.price_check_unpriced AS unpriced,
    r.price_check_drift AS drift,
    sum(r.requests) AS requests,
    sum(r.input_tokens) AS input_tokens,
    sum(r.output_tokens) AS output_tokens,
    sum(r.price_check_stale) AS stale,
    min(r.price_check_first_seen) AS first_seen,
    max(r.price_check_last_seen) AS last_seen,
    sum(r.price_check_logged_cost) AS logged_cost,
    sum(r.price_check_derived_cost) AS derived_cost
FROM {{table}} AS r
WHERE {{where}}
GROUP BY ALL
