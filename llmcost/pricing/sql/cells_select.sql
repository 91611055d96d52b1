-- The price cells of some keys as a relation with the columns of _llmcost_price_cells (cells.sql),
-- for a read-only statement that prices: no TEMP table and no UPDATE, so Spark runs it too
-- (llmcost.warehouse.engine). The rows are `cells_row`, once per cell.
SELECT *
FROM (VALUES {{rows}}) AS v(
    c_provider, c_model, c_service_tier, c_from, c_until, c_tod_from, c_tod_until, c_above, c_upto,
    c_input, c_cache_read, c_cache_write_5m, c_cache_write_1h, c_output, c_reasoning, c_per_request,
    c_num, c_den, c_ref
)
