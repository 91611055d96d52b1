-- The events most often ignored (neither requests nor outcomes).
SELECT event, sum(lines)::BIGINT FROM ignored_events GROUP BY event ORDER BY 2 DESC, 1 LIMIT 10;
