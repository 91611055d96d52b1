-- The prices a what-if used.
SELECT DISTINCT price_ref FROM _llmcost_whatif WHERE price_ref IS NOT NULL ORDER BY 1;
