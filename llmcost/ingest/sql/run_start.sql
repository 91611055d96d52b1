-- A run starts as 'running'; its counts grow batch by batch (commit_ingest.sql). A run that stays
-- 'running' was interrupted.
INSERT INTO ingests
    (ingest_id, started_at, finished_at, status, argv, files, lines_read, loaded_requests,
     loaded_outcomes, duplicate, ignored, rejected, conflicting, naive_ts, bytes_read)
VALUES ($ingest_id, $started, NULL, 'running', $argv, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
