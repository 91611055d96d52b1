-- The first and last request from the segment inventory (no scan of the rows), for a report with
-- an open window and no filters. It answers only when `requests` is the view over the segments
-- and its typed base table is empty (an older warehouse's `requests` table has no inventory):
-- `usable` says so, and the caller scans otherwise.
SELECT
    (SELECT count(*) FROM duckdb_views() AS v WHERE v.view_name = 'requests') > 0
        AND NOT EXISTS (SELECT 1 FROM requests_columns) AS usable,
    min(s.min_ts) AS first_request,
    max(s.max_ts) AS last_request
FROM segments AS s
WHERE s.kind = 'requests';
