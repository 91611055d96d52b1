-- The values a dimension takes, most requests first: the candidates for "closest:" when a filter
-- matches nothing. Bounded, so a dimension with millions of values (user ids) stays quick.
SELECT {{value}} AS value, count(*) AS n
FROM requests AS r
WHERE {{value}} IS NOT NULL
GROUP BY 1
ORDER BY n DESC, value
LIMIT 20000;
