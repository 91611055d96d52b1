-- The last ingest runs; one still marked running with no finish was interrupted (or is running).
SELECT
    ingest_id,
    started_at,
    finished_at,
    CASE WHEN status = 'running' AND finished_at IS NULL THEN 'interrupted or running' ELSE status END
        AS status,
    files, lines_read, loaded_requests, loaded_outcomes, duplicate, ignored, rejected, conflicting
FROM ingests
ORDER BY ingest_id DESC
LIMIT $recent;
