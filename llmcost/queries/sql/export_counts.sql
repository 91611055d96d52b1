-- Rows per UTC day of one table in the window: what an export writes.
SELECT strftime(timezone('UTC', t.ts), '%Y-%m-%d') AS date, count(*) AS rows
FROM {{table}} AS t
WHERE {{window}}
GROUP BY ALL
ORDER BY date;
