-- `ingest --engine spark`: the rejected and ignored lines the Spark tasks staged, as the `staged`
-- table that commit_rejects.sql and commit_ignored.sql read; one file's rows ($file_idx), or all.
CREATE OR REPLACE TEMP TABLE staged AS
SELECT kind, line_no, byte_offset, event, reason, detail, raw
FROM read_parquet({{files}})
WHERE kind IN ('rejected', 'ignored') AND ($file_idx IS NULL OR file_idx = $file_idx);
