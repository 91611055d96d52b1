SELECT coalesce(max(ingest_id), 0) FROM ingests
