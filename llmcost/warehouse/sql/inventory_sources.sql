-- Every source read, most recent first.
SELECT
    format, source_id, path, committed_offset, committed_lines, pending_bytes, lines_read, loaded,
    duplicate, ignored, rejected, last_seen
FROM sources
ORDER BY last_seen DESC, source_id;
