-- `ingest --engine spark`: conflicting duplicates per input file.
SELECT file_idx, count(*) FROM spark_conflicts GROUP BY file_idx;
