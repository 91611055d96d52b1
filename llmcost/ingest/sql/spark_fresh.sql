-- `ingest --engine spark`, run by Spark (transpiled by warehouse/engine.py): for each staged line of
-- one kind, whether it is fresh: its key was never loaded and it is the key's first sighting (file
-- order, then line order), as fresh.sql and first_sighting.sql decide it for one batch in DuckDB.
-- Only the key and the line's place travel through Spark's shuffle, not the rows.
SELECT
    s.file_idx,
    s.line_no,
    k.k IS NULL AND row_number() OVER (PARTITION BY s._key ORDER BY s.file_idx, s.line_no) = 1 AS fresh
FROM (SELECT _key, file_idx, line_no FROM staged_all WHERE kind = $label) s
LEFT JOIN known_{{kind}} k ON s._key = k.k
