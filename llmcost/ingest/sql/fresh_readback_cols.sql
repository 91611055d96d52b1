-- The columns fresh_readback.sql reads back when the batch has no repeats: the commit's ts, the
-- counts' naive_ts and source_line, and the pricing summary's (pricing/sql: batch, priced_count,
-- totals, unpriced). No semicolon: a SELECT list.
request_id, ts, naive_ts, source_line, provider, model, service_tier, cache_hit,
input_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens,
output_tokens, reasoning_tokens, cost_usd, price_ref
