-- One Parquet segment of `requests`, with its current cost kept aside.
CREATE OR REPLACE TEMP TABLE _llmcost_segment AS
SELECT *, cost_usd AS _old_cost, price_ref AS _old_ref
FROM read_parquet(?);
