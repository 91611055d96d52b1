-- One price cell as a VALUES row of cells_select, typed as cells.sql types it; its parameters get
-- the row's number as a suffix. A bound a price lacks comes as an end of the TIMESTAMP range
-- (Spark has no infinite timestamps).
(
    CAST($cell_provider AS VARCHAR), CAST($cell_model AS VARCHAR), CAST($cell_service_tier AS VARCHAR),
    CAST($cell_from AS TIMESTAMPTZ), CAST($cell_until AS TIMESTAMPTZ),
    CAST($cell_tod_from AS BIGINT), CAST($cell_tod_until AS BIGINT),
    CAST($cell_above AS BIGINT), CAST($cell_upto AS BIGINT),
    CAST($cell_input AS HUGEINT), CAST($cell_cache_read AS HUGEINT),
    CAST($cell_cache_write_5m AS HUGEINT), CAST($cell_cache_write_1h AS HUGEINT),
    CAST($cell_output AS HUGEINT), CAST($cell_reasoning AS HUGEINT),
    CAST($cell_per_request AS HUGEINT), CAST($cell_num AS HUGEINT), CAST($cell_den AS HUGEINT),
    CAST($cell_ref AS VARCHAR)
)
