-- The rows of a SELECT with cost_usd and price_ref set from their price cell, in the same
-- statement (ingest's fused per-batch COPY, issue 16): the join and cost arithmetic of price.sql
-- as a LEFT JOIN, so a row no cell matches stays unpriced; cache hits cost 0 (cache_hit.sql).
-- Cells never overlap, so a row joins at most one. No semicolon: it is written out inside a COPY.
SELECT r.* REPLACE (
    CASE WHEN r.cache_hit THEN CAST(0 AS DECIMAL(18, 9)) ELSE {{cost}} END AS cost_usd,
    CASE WHEN r.cache_hit THEN $cache_hit_ref ELSE c.c_ref END AS price_ref
)
FROM ({{rows}}) AS r
LEFT JOIN _llmcost_price_cells AS c ON {{cell_match}}
