-- Requests by the provider and model they logged: `pricing check` says which names had their
-- provider read from the model name's form (a Bedrock id, a vendor/model router name, ...).
SELECT
    r.provider,
    r.model,
    count(*) AS requests
FROM requests AS r
WHERE ({{where}})
GROUP BY ALL
ORDER BY requests DESC, r.model, r.provider NULLS FIRST;
