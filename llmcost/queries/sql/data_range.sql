-- The span of requests the warehouse holds, from segment metadata (no scan of the rows): used to
-- tell a user whose window is empty where the data is.
SELECT min(s.min_ts), max(s.max_ts), sum(s.rows)
FROM segments AS s
WHERE s.kind = 'requests';
