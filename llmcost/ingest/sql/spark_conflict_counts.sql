-- `ingest --engine spark`: conflicting duplicates per input file.
SELECT file_idx, count(*) FROM spark_conflicts_{{kind}} GROUP BY file_idx;
