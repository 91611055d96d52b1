-- `ingest --engine spark`: where the conflicting duplicates are, to read their lines' text.
SELECT file_idx, source_line, source_offset FROM spark_conflicts_{{kind}} ORDER BY file_idx, source_offset;
