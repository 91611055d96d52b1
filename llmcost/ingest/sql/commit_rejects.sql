-- Rejected lines: where, why, and the text (capped, secrets redacted).
INSERT INTO rejects
SELECT $ingest_id, $source_id, $path, s.line_no, s.byte_offset, s.reason,
       regexp_replace(s.detail, $secret, '[REDACTED]', 'g'),
       regexp_replace(left(rtrim(s.raw, chr(13) || chr(10)), $cap), $secret, '[REDACTED]', 'g'),
       coalesce(strlen(s.raw), 0)
FROM staged s
WHERE s.kind = 'rejected';
