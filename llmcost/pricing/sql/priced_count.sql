-- How many rows carry a price (a cell's or the cache hit's): the rows priced by priced.sql.
SELECT count(*)
FROM {{table}} AS r
WHERE r.price_ref IS NOT NULL
  AND ({{where}});
