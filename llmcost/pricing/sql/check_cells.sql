-- check_all.sql's cells from a scan of the window: grouped by the two conditions too, so each row
-- is tested once, not once per aggregate.
SELECT
    r.provider,
    r.model,
    {{keys}},
    count(*) AS requests,
    sum(r.input_tokens) AS input_tokens,
    sum(r.output_tokens) AS output_tokens,
    {{sums}}
FROM requests AS r
WHERE ({{where}})
GROUP BY ALL
