-- The price catalogs behind the derived costs in scope (`prices.catalog` names the genai-prices
-- version and snapshot, or the user's rates file, each price was taken from).
SELECT DISTINCT p.catalog
FROM prices AS p
WHERE p.price_ref IN (
    SELECT DISTINCT r.price_ref
    FROM requests AS r
    WHERE {{scope}} AND r.price_ref IS NOT NULL AND {{derived_used}}
)
ORDER BY p.catalog;
