-- The Parquet segments of `requests` whose time range meets the window [since, until).
SELECT segment_id, file
FROM segments
WHERE kind = 'requests'
  AND (CAST(? AS TIMESTAMPTZ) IS NULL OR max_ts >= ?)
  AND (CAST(? AS TIMESTAMPTZ) IS NULL OR min_ts < ?)
ORDER BY segment_id;
