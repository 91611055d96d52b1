-- The workflows as integers for the bootstrap (cost in nano-dollars, the scale of cost_usd, so
-- sums stay exact), in a fixed order so a seeded resample always draws the same rows.
SELECT
    t.side,
    CAST(round(coalesce(t.cost_usd, 0) * 1000000000) AS BIGINT) AS cost_nano,
    t.requests - t.unpriced_requests AS priced_requests,
    t.requests,
    t.failures,
    t.input_tokens,
    t.output_tokens,
    t.events
FROM _llmcost_compare AS t
ORDER BY t.side, t.unit;
