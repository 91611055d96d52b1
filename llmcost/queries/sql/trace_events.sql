-- The outcome events linked to a trace's calls: by the trace id, or by the id of one of its calls.
SELECT o.event_id, o.ts, o.event, o.request_id, o.trace_id, o.value
FROM outcomes AS o
WHERE o.trace_id IN (SELECT unnest(CAST($traces AS VARCHAR[])))
   OR o.request_id IN (SELECT unnest(CAST($requests AS VARCHAR[])))
ORDER BY o.ts, o.event_id;
