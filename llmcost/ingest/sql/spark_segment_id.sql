-- `ingest --engine spark`: the id the run's first segment will get, which names Spark's folder.
SELECT coalesce(max(segment_id), 0) + 1 FROM segments;
