-- Each side's totals over its workflows (exact: DECIMAL sums, ratios taken in Python).
SELECT
    t.side,
    count(*) AS traces,
    sum(t.requests) AS requests,
    sum(t.failures) AS failures,
    sum(t.cost_usd) AS cost_usd,
    sum(t.unpriced_requests) AS unpriced_requests,
    sum(t.input_tokens) AS input_tokens,
    sum(t.output_tokens) AS output_tokens,
    sum(t.events) AS events
FROM _llmcost_compare AS t
GROUP BY t.side
ORDER BY t.side;
