-- `ingest --engine spark`: conflicting duplicates of one kind, with the line that was not kept
-- (conflict_lines: the text the driver read back at each one's offset), as commit_conflicts.sql.
INSERT INTO conflicts
SELECT $ingest_id, $kind, regexp_replace(c.record_id, $secret, '[REDACTED]', 'g'), c.source_id, l.path,
       c.source_line, c.source_offset,
       regexp_replace(left(rtrim(l.line, chr(13) || chr(10)), $cap), $secret, '[REDACTED]', 'g')
FROM spark_conflicts_{{kind}} c
JOIN conflict_lines l ON l.file_idx = c.file_idx AND l.line_no = c.source_line;
