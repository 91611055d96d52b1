-- Whether any request at all (any time) has a dimension's value: a filter that matches nothing
-- is a typo to point out, not an empty window. Stops at the first match.
SELECT count(*) AS found
FROM (SELECT 1 FROM requests AS r WHERE {{value}} = $value LIMIT 1) AS m;
