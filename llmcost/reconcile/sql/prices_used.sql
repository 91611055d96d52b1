SELECT price_ref, input_mtok, cached_input_mtok, cache_write_5m_mtok, cache_write_1h_mtok,
       output_mtok, reasoning_mtok, per_request_usd, discount_percent
FROM prices
WHERE price_ref IN (SELECT unnest($refs))
