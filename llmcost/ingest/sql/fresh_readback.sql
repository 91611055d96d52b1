-- After the fused COPY: what the commit (key, timestamps), the counts (naive_ts) and the pricing
-- summary need of the request rows just written, read back from their segment file.
CREATE OR REPLACE TEMP TABLE fresh_requests AS
SELECT
    md5_number(request_id) AS _key,
    ts,
    naive_ts,
    source_line,
    provider,
    model,
    service_tier,
    cache_hit,
    input_tokens,
    cached_input_tokens,
    cache_write_tokens,
    cache_write_1h_tokens,
    output_tokens,
    reasoning_tokens,
    cost_usd,
    price_ref
FROM read_parquet($file);
