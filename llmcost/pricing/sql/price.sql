-- One set-based join prices every request of the batch.
UPDATE {{table}} AS r
SET cost_usd = {{cost}}, price_ref = c.c_ref
FROM _llmcost_price_cells AS c
WHERE {{cell_match}}
  AND ({{where}});
