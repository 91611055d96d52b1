-- Where a source's committed lines end.
SELECT committed_offset FROM sources WHERE source_id = $source_id;
