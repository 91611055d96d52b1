-- The warehouse's own tables, as a snapshot carries them: the segments' key tables stay with the
-- writer (they serve only its duplicate check) and the *_columns tables come from the migrations.
SELECT table_name FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
  AND table_name NOT IN ('request_keys', 'outcome_keys', 'requests_columns', 'outcomes_columns')
ORDER BY table_name;
