-- How many traces of [$since, $until) could the runaway-trace rule name at all: those with at least
-- $min_calls calls, or more than $burst_calls (a burst needs that many), or costing at least
-- $min_cost. runaway_traces.sql names none of the others (its floors), so when this is 0 the rule
-- answers without reading its baseline days (most of its time: benchmarks/RESULTS.md, "HTML round 4").
SELECT count(*)
FROM (
    SELECT count(*) AS calls, sum({{cost}}) AS cost
    FROM requests
    WHERE ts >= $since AND ts < $until AND trace_id IS NOT NULL
    GROUP BY trace_id
)
WHERE calls >= $min_calls OR calls > $burst_calls OR cost >= $min_cost;
