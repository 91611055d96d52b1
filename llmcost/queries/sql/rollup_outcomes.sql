-- dashboard_outcomes.sql over the events' rollup (rollup_events.sql): same rows, same order.
SELECT o.event, o.feature, sum(o.events) AS n
FROM {{table}} AS o
WHERE {{scope}}
GROUP BY ALL
ORDER BY n DESC, o.event, o.feature NULLS LAST;
