-- `ingest --engine spark`, run by Spark (transpiled by warehouse/engine.py): the staged rows of one
-- kind whose key was never loaded, first sighting only (file order, then line order), as
-- fresh.sql and first_sighting.sql decide it for one batch in DuckDB.
SELECT * FROM staged_all s
ANTI JOIN known_{{kind}} k ON s._key = k.k
WHERE s.kind = $label
QUALIFY row_number() OVER (PARTITION BY s._key ORDER BY s.file_idx, s.line_no) = 1
