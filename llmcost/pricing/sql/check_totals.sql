-- All requests in the window, and those priced with a catalog other than the one loaded now
-- (a hint to run `llmcost pricing reprice`).
SELECT
    count(*) AS requests,
    count(*) FILTER (
        WHERE r.price_ref IS NOT NULL AND r.price_ref <> $cache_hit_ref AND NOT contains(r.price_ref, $stamp)
    ) AS stale
FROM requests AS r
WHERE ({{where}});
