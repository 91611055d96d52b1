-- `ingest --engine spark`: the rejected and ignored lines Spark found, as the `staged` table that
-- commit_rejects.sql and commit_ignored.sql read; one file's rows at a time ($file_idx), or all.
CREATE OR REPLACE TEMP TABLE staged AS
SELECT * FROM read_parquet({{files}})
WHERE $file_idx IS NULL OR file_idx = $file_idx;
