-- The workflows as integers for the bootstrap (cost in nano-dollars, the scale of cost_usd, so
-- sums stay exact), in a fixed order so a seeded resample always draws the same rows.
SELECT
    t.side,
    CAST(round(coalesce(t.cost_usd, 0) * 1000000000) AS BIGINT) AS cost_nano,
    CAST(t.requests - t.unpriced_requests AS BIGINT) AS priced_requests,
    CAST(t.requests AS BIGINT) AS requests,
    CAST(t.failures AS BIGINT) AS failures,
    CAST(t.input_tokens AS BIGINT) AS input_tokens,
    CAST(t.output_tokens AS BIGINT) AS output_tokens,
    CAST(t.events AS BIGINT) AS events
FROM _llmcost_compare AS t
ORDER BY t.side, t.unit;
