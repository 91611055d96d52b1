-- The window's rows of a base table with their current cost kept aside, repriced in TEMP so a
-- dry run can show the change without writing and a real run writes only the rows that changed.
CREATE OR REPLACE TEMP TABLE _llmcost_reprice AS
SELECT r.*, r.rowid AS _rid, r.cost_usd AS _old_cost, r.price_ref AS _old_ref
FROM {{table}} AS r
WHERE ({{where}});
