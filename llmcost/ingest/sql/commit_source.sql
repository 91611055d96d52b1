-- Advance the source to the end of the batch, in the same transaction as its rows.
UPDATE sources SET
    committed_offset = $offset, committed_lines = $lines, tail_fp = $tail_fp,
    lines_read = lines_read + $read, loaded = loaded + $loaded, duplicate = duplicate + $duplicate,
    ignored = ignored + $ignored, rejected = rejected + $rejected,
    path = $path, last_seen = $now, last_ingest_id = $ingest_id
WHERE source_id = $source_id;
