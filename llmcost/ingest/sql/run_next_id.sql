-- The next run's id.
SELECT coalesce(max(ingest_id), 0) + 1 FROM ingests;
