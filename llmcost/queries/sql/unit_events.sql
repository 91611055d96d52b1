-- Success events of one kind ($event) in the window, by the event's own tenant / feature / time:
-- the denominator of the ratio attribution.
SELECT
    {dimensions}
    count(*) AS events,
    count(*) FILTER (WHERE o.naive_ts) AS naive_timestamps
FROM outcomes AS o
WHERE o.event = $event AND {scope}
GROUP BY ALL;
