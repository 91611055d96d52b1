-- The warehouse's first and latest request, from the segment index (no data is read), and the end
-- of the last ingest run that finished.
SELECT (SELECT min(min_ts) FROM segments WHERE kind = 'requests') AS first_request,
       (SELECT max(max_ts) FROM segments WHERE kind = 'requests') AS latest_request,
       (SELECT max(finished_at) FROM ingests WHERE finished_at IS NOT NULL) AS last_ingest,
       (SELECT max(finished_at) FROM ingests WHERE finished_at IS NOT NULL AND status = 'ok') AS last_ok_ingest
