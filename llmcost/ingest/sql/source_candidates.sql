-- Stored sources that start like this stream, the furthest read first: sources.locate checks each
-- one's tail fingerprint to find where to resume.
SELECT source_id, committed_offset, committed_lines, tail_fp
FROM sources
WHERE head_fp = $head_fp
ORDER BY committed_offset DESC, source_id;
