-- What each side is made of (tenants, or features): requests and cost per value, so a shift in
-- the population is seen before it is read as a change in cost.
SELECT
    {{side}} AS side,
    {{value}} AS value,
    count(*) AS requests,
    sum({{cost}}) AS side_cost
FROM requests AS r
WHERE {{scope}} AND ({{side}}) IS NOT NULL
GROUP BY ALL
ORDER BY side, side_cost DESC NULLS LAST, requests DESC, value NULLS LAST;
