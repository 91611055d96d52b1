-- The invoice side of one month: billed amounts by provider, model as billed, token type and UTC
-- day, from every imported file (or only the files named).
SELECT
    i.provider,
    i.model,
    i.token_type,
    i.day,
    sum(i.amount_usd) AS amount_usd,
    count(*)          AS lines
FROM invoices AS i
WHERE i.day >= $first_day AND i.day < $next_month
  AND ($all_files OR list_contains($file_ids, i.file_id))
GROUP BY ALL
ORDER BY ALL
