-- For the units shown (the top of trace_units): tenant and session (the smallest of their calls'),
-- the smallest trace id and how many traces (for a session), unpriced and failed calls (outcome not
-- success) and the models called, sorted (list_sort, not an ORDER BY inside the aggregate: Spark's
-- collect_list has no order, and the transpiled statement keeps list_sort as array_sort).
SELECT {{unit}} AS unit_id,
       min(r.tenant_id) AS tenant_id,
       min(r.session_id) AS session_id,
       min(r.trace_id) AS trace_id,
       count(DISTINCT r.trace_id) AS traces,
       count(*) FILTER (WHERE {{cost}} IS NULL) AS unpriced,
       count(*) FILTER (WHERE r.outcome <> 'success') AS failed,
       list_sort(list(DISTINCT r.model)) AS models
FROM requests AS r
WHERE {{scope}} AND {{unit}} IN (SELECT unnest(CAST($units AS VARCHAR[])))
GROUP BY {{unit}};
