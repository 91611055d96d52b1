-- Ignored lines counted by event name (`llmcost status` shows them).
INSERT INTO ignored_events
SELECT left(event, 200), count(*) FROM staged WHERE kind = 'ignored' GROUP BY 1;
