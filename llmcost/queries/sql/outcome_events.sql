-- The outcome events the warehouse holds, most frequent first (to pick or suggest one).
SELECT event, count(*) AS n FROM outcomes GROUP BY event ORDER BY n DESC, event;
