-- The time span of the rows the runs after `$after` loaded (their segments know their extremes),
-- and the last of those runs.
SELECT min(min_ts), max(max_ts), max(ingest_id)
FROM segments
WHERE ingest_id > $after
