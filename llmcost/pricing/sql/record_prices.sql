-- One price per row, kept once (see cells_insert.sql for how the VALUES row is repeated).
INSERT INTO prices VALUES (
    $price_ref, $source, $origin, $qualifiers, $catalog,
    $input, $cached_input, $cache_write_5m, $cache_write_1h, $output, $reasoning, $per_request,
    $discount_percent, $discount_name, now()
)
ON CONFLICT DO NOTHING;
