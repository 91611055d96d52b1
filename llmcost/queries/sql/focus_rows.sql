-- FOCUS cost and usage rows: one per UTC day x provider x model x tenant x feature x priced-or-not,
-- and x each extra tag the user asked for ({{tags}}: allowlisted dimensions aliased d0, d1, ...).
-- A request whose cost is NULL under the cost mode is unpriced: such requests get rows of their own
-- (priced = false) whose cost stays NULL, so an unpriced model never reads as $0 and the priced rows
-- add up exactly to what `llmcost report` shows for the same window.
-- Costs stay DECIMAL: sum() over DECIMAL(18, 9) is an exact DECIMAL(38, 9).
SELECT
    CAST(timezone('UTC', r.ts) AS DATE) AS day,
    r.provider AS provider,
    r.model AS model,
    r.tenant_id AS tenant,
    r.feature AS feature,
    {{tags}}
    ({{cost}}) IS NOT NULL AS priced,
    count(*) AS requests,
    sum(r.input_tokens) AS input_tokens,
    sum(r.cached_input_tokens) AS cached_input_tokens,
    sum(r.output_tokens) AS output_tokens,
    sum(r.reasoning_tokens) AS reasoning_tokens,
    sum({{cost}}) AS cost_usd
FROM requests AS r
WHERE {{window}}
GROUP BY ALL
ORDER BY day, provider NULLS LAST, model, tenant NULLS LAST, feature NULLS LAST, {{tag_order}} priced DESC;
