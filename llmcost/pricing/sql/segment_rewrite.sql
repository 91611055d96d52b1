-- One Parquet segment with the window's rows re-derived and every other row as it was, in the
-- file's own row order.
CREATE OR REPLACE TEMP TABLE _llmcost_segment AS
SELECT r.* EXCLUDE (file_row_number) REPLACE (
    CASE WHEN NOT ({{where}}) THEN r.cost_usd WHEN r.cache_hit THEN CAST(0 AS DECIMAL(18, 9)) ELSE {{cost}} END
        AS cost_usd,
    CASE WHEN NOT ({{where}}) THEN r.price_ref WHEN r.cache_hit THEN $cache_hit_ref ELSE c.c_ref END AS price_ref
)
FROM read_parquet($file, file_row_number = true) AS r
LEFT JOIN _llmcost_price_cells AS c ON {{cell_match}}
ORDER BY r.file_row_number;
