-- The price check's sums per cell beyond the request and token counts (check_cells.sql; the HTML
-- report's rollup takes them too, prefixed): priced with another catalog version, first and last
-- seen, logged and derived cost.
count(*) FILTER (
    WHERE r.price_ref IS NOT NULL AND r.price_ref <> $cache_hit_ref AND NOT contains(r.price_ref, $stamp)
) AS {{prefix}}stale,
min(r.ts) AS {{prefix}}first_seen,
max(r.ts) AS {{prefix}}last_seen,
sum(r.logged_cost_usd) AS {{prefix}}logged_cost,
sum(r.cost_usd) AS {{prefix}}derived_cost
