-- The Parquet segments of `requests` whose time range meets the window [since, until).
SELECT segment_id, file
FROM segments
WHERE kind = 'requests'
  AND (CAST($since AS TIMESTAMPTZ) IS NULL OR max_ts >= $since)
  AND (CAST($until AS TIMESTAMPTZ) IS NULL OR min_ts < $until)
ORDER BY segment_id;
