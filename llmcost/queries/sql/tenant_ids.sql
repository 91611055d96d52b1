-- Every tenant the warehouse has seen, in any window: a billing plan naming none of these is for a
-- tenant llmcost knows nothing about (a typo, or a tenant that never made a call).
SELECT DISTINCT r.tenant_id
FROM requests AS r
WHERE r.tenant_id IS NOT NULL
ORDER BY r.tenant_id;
