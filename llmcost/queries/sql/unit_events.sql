-- Success events of one kind ($event) in the window, by the event's own tenant / feature / time:
-- the denominator of the ratio attribution. Time buckets in two stages, as in spend.sql.
WITH slots AS (
    SELECT
        {{dimensions}}
        count(*) AS events,
        count(*) FILTER (WHERE o.naive_ts) AS naive_timestamps
    FROM outcomes AS o
    WHERE o.event = $event AND {{scope}}
    GROUP BY ALL
)
SELECT {{buckets}} sum(s.events) AS events, sum(s.naive_timestamps) AS naive_timestamps
FROM slots AS s
GROUP BY ALL;
