-- What could not be priced under the cost mode, by model: counted beside every total, never $0.
SELECT r.provider, r.model, count(*) AS requests, sum(r.input_tokens + r.output_tokens) AS tokens
FROM requests AS r
WHERE {{scope}} AND ({{cost}}) IS NULL
GROUP BY r.provider, r.model
ORDER BY requests DESC, r.model, r.provider NULLS FIRST
LIMIT 10;
