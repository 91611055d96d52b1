-- For the units shown (the top of trace_units): tenant and session (the smallest of their calls'),
-- the smallest trace id and how many traces (for a session), unpriced and failed calls (outcome not
-- success) and the models called, sorted (list_sort, not an ORDER BY inside the aggregate: Spark's
-- collect_list has no order, and the transpiled statement keeps list_sort as array_sort).
-- The spans: each shown unit's calls lie in [first_ts, last_ts] of that unit (trace_report.sql read
-- them under the same scope), so `ts` is also kept to those spans, merged (traces.py: spans_sql). A
-- plain range on the stored column, pushed into the Parquet scan: in a warehouse written in time
-- order only the row groups of the shown units' spans are read, not the window's (benchmarks/
-- RESULTS.md, "HTML round 5").
SELECT {{unit}} AS unit_id,
       min(r.tenant_id) AS tenant_id,
       min(r.session_id) AS session_id,
       min(r.trace_id) AS trace_id,
       count(DISTINCT r.trace_id) AS traces,
       count(*) FILTER (WHERE {{cost}} IS NULL) AS unpriced,
       count(*) FILTER (WHERE r.outcome <> 'success') AS failed,
       list_sort(list(DISTINCT r.model)) AS models
FROM requests AS r
WHERE {{scope}} AND ({{spans}}) AND {{unit}} IN (SELECT unnest(CAST($units AS VARCHAR[])))
GROUP BY {{unit}};
