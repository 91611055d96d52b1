-- Re-derivation starts from "unpriced": a model whose price was removed must not keep its old cost.
UPDATE {{table}} AS r
SET cost_usd = NULL, price_ref = NULL
WHERE (r.cost_usd IS NOT NULL OR r.price_ref IS NOT NULL)
  AND ({{where}});
