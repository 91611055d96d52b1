-- The latest rejected lines ({{reason}}: every reason, or the one asked for).
SELECT path, line_no, byte_offset, reason, detail, raw
FROM rejects
WHERE {{reason}}
ORDER BY ingest_id DESC, path, line_no
LIMIT $limit;
