-- `ingest --engine spark`, run by Spark (transpiled by warehouse/engine.py): the staged rows of one
-- kind, each marked `fresh` when its key was never loaded and it is the key's first sighting (file
-- order, then line order), as fresh.sql and first_sighting.sql decide it for one batch in DuckDB.
-- The others are duplicates, kept for the conflicts check (spark_conflicts.sql).
SELECT
    s.*,
    k.k IS NULL AND row_number() OVER (PARTITION BY s._key ORDER BY s.file_idx, s.line_no) = 1 AS fresh
FROM staged_all s
LEFT JOIN known_{{kind}} k ON s._key = k.k
WHERE s.kind = $label
