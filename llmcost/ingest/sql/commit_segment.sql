-- Register a written segment file; its rows become visible when this transaction commits.
INSERT INTO segments
SELECT (SELECT coalesce(max(segment_id), 0) + 1 FROM segments), $kind, $file, $rows,
       min(ts), max(ts), $ingest_id, $now
FROM fresh_{{kind}};
