-- Requests, failures, tokens and cost per UTC day and series (tenant, feature, model, provider,
-- operation) over [$since, $until): what `export otlp` turns into month-to-date cumulative sums.
-- Failures as `llmcost report` counts them (`unknown` is neither a success nor a failure); a
-- request whose cost is NULL under the cost mode is left out of the cost and counted as unpriced.
SELECT
    CAST(timezone('UTC', r.ts) AS DATE) AS day,
    r.tenant_id AS tenant,
    r.feature AS feature,
    r.model AS model,
    r.provider AS provider,
    r.operation AS operation,
    count(*) AS requests,
    count(*) FILTER (WHERE r.outcome IN ('error', 'timeout', 'rate_limited', 'cancelled')) AS failures,
    sum(r.input_tokens) AS input_tokens,
    sum(r.output_tokens) AS output_tokens,
    sum({{cost}}) AS cost_usd,
    count(*) FILTER (WHERE ({{cost}}) IS NULL) AS unpriced
FROM requests AS r
WHERE r.ts >= $since AND r.ts < $until
GROUP BY ALL
ORDER BY day, tenant NULLS LAST, feature NULLS LAST, model, provider NULLS LAST, operation;
