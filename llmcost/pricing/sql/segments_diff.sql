-- The change re-derivation would make in Parquet segments, by file, model and UTC month: one
-- columnar pass that reads only the pricing columns.
WITH repriced AS (
    SELECT
        r.filename,
        r.model,
        r.ts,
        r.cost_usd AS old_cost,
        r.price_ref AS old_ref,
        CASE WHEN r.cache_hit THEN CAST(0 AS DECIMAL(18, 9)) ELSE {{cost}} END AS cost_usd,
        CASE WHEN r.cache_hit THEN $cache_hit_ref ELSE c.c_ref END AS price_ref
    FROM read_parquet($files, filename = true, union_by_name = true) AS r
    LEFT JOIN _llmcost_price_cells AS c ON {{cell_match}}
    WHERE ({{where}})
)
SELECT
    filename,
    model,
    strftime(timezone('UTC', ts), '%Y-%m') AS month,
    count(*) AS requests,
    count(*) FILTER (WHERE old_cost IS DISTINCT FROM cost_usd OR old_ref IS DISTINCT FROM price_ref) AS changed,
    sum(old_cost) AS old_cost,
    sum(cost_usd) AS new_cost,
    count(*) FILTER (WHERE old_cost IS NULL) AS old_unpriced,
    count(*) FILTER (WHERE cost_usd IS NULL) AS new_unpriced
FROM repriced
GROUP BY ALL;
