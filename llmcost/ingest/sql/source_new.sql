-- A stream never seen before, registered with the first batch read from it (nothing committed yet).
INSERT INTO sources
    (source_id, head_fp, tail_fp, path, format, committed_offset, committed_lines, pending_bytes,
     lines_read, loaded, duplicate, ignored, rejected, first_seen, last_seen, last_ingest_id)
VALUES ($source_id, $head_fp, $tail_fp, $path, $format, 0, 0, 0, 0, 0, 0, 0, 0, $now, $now, $ingest_id);
