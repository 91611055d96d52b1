SELECT
    w.from_provider,
    w.from_model,
    count(*) AS requests,
    sum(w.input_tokens) AS input_tokens,
    sum(w.output_tokens) AS output_tokens,
    sum(w.actual_cost) AS actual_cost,
    count(*) FILTER (WHERE w.actual_cost IS NULL) AS actual_unpriced,
    sum(w.cost_usd) AS whatif_cost,
    count(*) FILTER (WHERE w.cost_usd IS NULL) AS whatif_unpriced
FROM _llmcost_whatif AS w
GROUP BY ALL
ORDER BY requests DESC, w.from_model, w.from_provider NULLS FIRST;
