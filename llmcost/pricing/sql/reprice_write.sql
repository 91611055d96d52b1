UPDATE {{table}} AS b
SET cost_usd = t.cost_usd, price_ref = t.price_ref
FROM _llmcost_reprice AS t
WHERE b.rowid = t._rid
  AND (t._old_cost IS DISTINCT FROM t.cost_usd OR t._old_ref IS DISTINCT FROM t.price_ref);
