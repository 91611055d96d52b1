-- Success events per UTC day and feature in [$since, $until). The event's own feature is used:
-- joining 7M events back to 10M requests to borrow one would cost seconds (DESIGN.md).
SELECT CAST(epoch_us(ts) // 86400000000 AS INTEGER) AS day,
       feature,
       count(*) AS events
FROM outcomes
WHERE ts >= $since AND ts < $until AND {{event_filter}}
GROUP BY ALL
