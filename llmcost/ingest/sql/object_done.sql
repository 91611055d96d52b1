-- What the last run that read an object to its end recorded of it (its ETag, size, source and the
-- offset that source stood at then), with where that source stands now: an object whose listing
-- still shows that ETag and size, and whose source has not moved since, has nothing new to read.
SELECT m.value, s.committed_offset, s.format
FROM warehouse_meta AS m
JOIN sources AS s ON s.source_id = TRY_CAST(split_part(m.value, ' ', 3) AS INTEGER)
WHERE m.key = $key;
