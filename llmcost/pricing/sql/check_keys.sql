-- The two conditions the price check groups by (check_cells.sql; the HTML report's rollup groups by
-- them too, prefixed): priced or not, and logged and derived cost both known on a provider call.
r.cost_usd IS NULL AS {{prefix}}unpriced,
coalesce(r.logged_cost_usd IS NOT NULL AND r.cost_usd IS NOT NULL AND NOT r.cache_hit, FALSE) AS {{prefix}}drift
