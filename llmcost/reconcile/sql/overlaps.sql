-- Lines billed by more than one imported file: two exports of the same period (the Costs API
-- pages and the dashboard CSV, say) would be counted twice.
SELECT i.provider, i.model, i.day, count(DISTINCT i.file_id) AS files
FROM invoices AS i
WHERE i.day >= $first_day AND i.day < $next_month
  AND ($all_files OR list_contains($file_ids, i.file_id))
GROUP BY ALL
HAVING count(DISTINCT i.file_id) > 1
ORDER BY ALL
