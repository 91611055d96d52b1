-- The first and last request from the segment inventory (no scan of the rows), for a report with
-- an open window and no filters. It answers only when the typed base table under the `requests`
-- view is empty (every row is then in a segment the inventory lists): `usable` says so, and the
-- caller scans otherwise. Every connection llmcost reads through has the migrations applied (a
-- reader upgrades an older warehouse first; a snapshot or lake migrates its in-memory copy), so
-- `requests` is the view over the segments: asking the catalog (duckdb_views()) cost a JSON
-- report's start-up ~7 ms of catalog loading (issue 16).
SELECT
    NOT EXISTS (SELECT 1 FROM requests_columns) AS usable,
    min(s.min_ts) AS first_request,
    max(s.max_ts) AS last_request
FROM segments AS s
WHERE s.kind = 'requests';
