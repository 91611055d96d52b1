-- feature_days.sql read from the HTML dashboard's rollup (llmcost/queries/sql/rollup_create.sql)
-- when it holds the span (facts.Facts._rollup: UTC day slots, the same cost mode, no filters): its
-- cells are per UTC day, feature, provider, model, operation and outcome, so summing them over
-- provider and model gives feature_days' rows, the same numbers (sums of sums; the token columns are
-- NOT NULL, so the input and output sums add up to the sum of input + output) without reading the
-- requests again (benchmarks/RESULTS.md, "HTML round 5").
SELECT CAST(epoch_us(r.ts) // 86400000000 AS INTEGER) AS day,
       r.feature,
       r.operation,
       r.outcome,
       sum(r.requests) AS requests,
       sum(r.input_tokens) + sum(r.output_tokens) AS tokens,
       sum(r.cost_usd) AS cost_usd,
       sum(r.unpriced_requests) AS unpriced
FROM {{table}} AS r
WHERE {{where}}
GROUP BY ALL
