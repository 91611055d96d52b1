-- `ingest --engine spark`: one kind's staged rows (the tasks' Parquet) with Spark's fresh mark, as
-- the TEMP table spark_rows that the next statements read. The select list renames the kind's
-- prefixed columns (generated from our own column names).
CREATE OR REPLACE TEMP TABLE spark_rows AS
SELECT {{columns}}, s.file_idx, m.fresh
FROM read_parquet({{staged}}) s
JOIN read_parquet({{marks}}) m ON m.file_idx = s.file_idx AND m.line_no = s.line_no
WHERE s.kind = $label;
