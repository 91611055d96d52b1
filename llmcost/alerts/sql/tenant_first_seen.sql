-- When each of a few tenants (the spike candidates) first appears before $until: a tenant with too
-- little history is named, not alerted. $untagged asks for requests logged without a tenant too.
SELECT tenant_id, min(ts) AS first_seen
FROM requests
WHERE ts < $until AND (list_contains($tenants, tenant_id) OR ($untagged AND tenant_id IS NULL))
GROUP BY tenant_id
