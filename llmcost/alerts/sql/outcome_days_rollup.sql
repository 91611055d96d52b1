-- outcome_days.sql read from the HTML dashboard's rollup of outcome events
-- (llmcost/queries/sql/rollup_events.sql) when it holds the span (facts.Facts._rollup): its cells
-- count the events per UTC day, event and feature, so summing them over the events kept gives
-- the same rows without reading the outcomes again.
SELECT CAST(epoch_us(o.ts) // 86400000000 AS INTEGER) AS day,
       o.feature,
       sum(o.events) AS events
FROM {{table}} AS o
WHERE {{where}} AND {{event_filter}}
GROUP BY ALL
