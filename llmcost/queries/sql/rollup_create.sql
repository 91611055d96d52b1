-- The dashboard's spend views in one scan: every request of the window and the user's filters,
-- summed per time slot, feature, provider, model, operation and outcome into a TEMP table (a few
-- thousand rows where the window holds millions). Each view then sums this table
-- (rollup_spend_slots.sql) instead of scanning the requests again. `ts` is the slot's start, so a
-- window whose bounds fall on slot boundaries selects whole slots exactly. The sums are the ones
-- spend.sql takes, in the same types: DECIMAL costs stay exact. Successes and failures are not
-- counted here: outcome is a column of the rollup, so rollup_spend_slots.sql sums them from it (two
-- fewer tests per request: about a sixth of this scan at 10M).
-- For the HTML report the cells are also split by the price check's two conditions and carry its
-- sums (the check_keys and check_sums holes: llmcost/pricing/sql/check_keys.sql and check_sums.sql,
-- prefixed price_check_), so the check reads this table instead of scanning the window again
-- (check_cells_rollup.sql); otherwise both are empty.
CREATE OR REPLACE TEMP TABLE {{table}} AS
WITH cells AS (
    SELECT
        {{slot}} AS slot,
        r.feature,
        r.provider,
        r.model,
        r.operation,
        r.outcome,{{check_keys}}
        count(*) AS requests,
        sum(r.input_tokens) AS input_tokens,
        sum(r.cached_input_tokens) AS cached_input_tokens,
        sum(r.cache_write_tokens) AS cache_write_tokens,
        sum(r.output_tokens) AS output_tokens,
        sum(r.reasoning_tokens) AS reasoning_tokens,
        count(*) FILTER (WHERE r.cache_hit) AS cache_hits,
        sum({{cost}}) AS cost_usd,
        count(*) FILTER (WHERE ({{cost}}) IS NULL) AS unpriced_requests,
        sum(r.input_tokens + r.output_tokens) FILTER (WHERE ({{cost}}) IS NULL) AS unpriced_tokens,
        count(*) FILTER (WHERE r.naive_ts) AS naive_timestamps{{check_sums}}
    FROM requests AS r
    WHERE {{scope}}
    GROUP BY ALL
)
SELECT {{slot_start}} AS ts, * EXCLUDE (slot)
FROM cells AS c;
