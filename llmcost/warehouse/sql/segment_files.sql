-- The Parquet segments of one kind, in the order they were written.
SELECT file FROM segments WHERE kind = $kind ORDER BY segment_id;
