-- The first and last request under a report's window and filters: the dates an open --since or
-- --until resolves to, so every report can say which days it covers (not "the first request").
SELECT min(r.ts) AS first_request, max(r.ts) AS last_request
FROM requests AS r
WHERE {{scope}};
