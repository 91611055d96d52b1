-- unit_events.sql over the events' rollup (rollup_events.sql): the same two stages and columns.
WITH slots AS (
    SELECT
        {{dimensions}}
        sum(o.events) AS events,
        sum(o.naive_timestamps) AS naive_timestamps
    FROM {{table}} AS o
    WHERE o.event = $event AND {{scope}}
    GROUP BY ALL
)
SELECT {{buckets}} sum(s.events) AS events, sum(s.naive_timestamps) AS naive_timestamps
FROM slots AS s
GROUP BY ALL;
