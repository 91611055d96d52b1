-- The outcome events of a dashboard's window, with the feature that emits each, the most frequent
-- first: one unit-economics series is drawn per (event, feature) pair. {{scope}} is Scope.where("o")
-- (window and tenant/feature/user filters, values bound).
SELECT o.event, o.feature, count(*) AS n
FROM outcomes AS o
WHERE {{scope}}
GROUP BY ALL
ORDER BY n DESC, o.event, o.feature NULLS LAST;
