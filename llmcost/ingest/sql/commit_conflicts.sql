-- Conflicting duplicates of one kind, with the line that was not kept.
INSERT INTO conflicts
SELECT $ingest_id, $kind, regexp_replace(c.record_id, $secret, '[REDACTED]', 'g'), $source_id, $path,
       c.source_line, c.source_offset,
       regexp_replace(left(rtrim(b.line, chr(13) || chr(10)), $cap), $secret, '[REDACTED]', 'g')
FROM conflicts_{{kind}} c
JOIN batch_lines b ON b.line_no = c.source_line;
