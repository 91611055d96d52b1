-- One row of price cells; `insert_rows` repeats the VALUES row once per cell, each copy's
-- parameters suffixed with its row number (one INSERT: DuckDB's executemany runs a statement per row).
INSERT INTO _llmcost_price_cells VALUES (
    $provider, $model, $service_tier,
    coalesce(CAST($valid_from AS TIMESTAMPTZ), CAST('-infinity' AS TIMESTAMPTZ)),
    coalesce(CAST($valid_until AS TIMESTAMPTZ), CAST('infinity' AS TIMESTAMPTZ)),
    $tod_from, $tod_until, $above, $upto,
    $input, $cache_read, $cache_write_5m, $cache_write_1h, $output, $reasoning, $per_request,
    $num, $den, $ref
);
