-- A call that used no tokens at all (it failed before the model read anything: a 429, a batch
-- request that expired) costs nothing whatever its model; a model no price list knows
-- (`unknown`, in a batch error file) must not make it "unpriced".
UPDATE {table} AS r
SET cost_usd = 0, price_ref = ?
WHERE r.cost_usd IS NULL
  AND NOT r.cache_hit
  AND r.input_tokens = 0 AND r.output_tokens = 0
  AND r.cached_input_tokens = 0 AND r.cache_write_tokens = 0
  AND ({where});
