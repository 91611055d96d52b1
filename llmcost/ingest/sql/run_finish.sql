-- The run's end: when, whether every input was read to its end, how many inputs.
UPDATE ingests SET finished_at = $finished, status = $status, files = $files WHERE ingest_id = $ingest_id;
