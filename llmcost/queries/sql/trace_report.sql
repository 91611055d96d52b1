-- `llmcost traces` in one statement: one row per trace (or, with --by session, per session) whose
-- calls fall in the scope, aggregated once and kept in memory (a MATERIALIZED CTE: a temp table
-- costs as much again to write as the GROUP BY), then ONE aggregate over those rows per feature
-- (total = 0) and over all features (total = 1): how many units, their cost, and the nearest-rank
-- p50/p90/p99 and maximum of cost, calls, tokens and duration; and, on every row, the `$top`
-- costliest units (most calls first among equals, then by id).
--
-- A unit's feature is the smallest of its calls' (they agree unless the app logged otherwise). Cost
-- sums the priced calls (NULL when none were: never $0). Duration runs from the first call's
-- timestamp to the last one's. Calls with no id of the unit are left out (trace_untraced.sql).
--
-- The percentiles are DuckDB's quantile_disc: the value of a real unit, for n values and fraction q
-- the k-th smallest with k = n - floor(n - n*q), at least 1. NULLs (a unit with no priced call) are
-- not counted; a feature whose units are all unpriced has NULL cost percentiles. All four measures
-- sit in the one GROUPING SETS aggregate: measured cheaper than a pass per measure, and than
-- histograms for the measures whose values repeat (benchmarks/RESULTS.md, traces round 5). With no
-- unit at all there is still an all-features row (units 0): DuckDB gives an empty grouping set a
-- row, Spark does not, hence the join to a one-row relation.
WITH units AS MATERIALIZED (
    SELECT
        {{unit}} AS unit_id,
        min(r.feature) AS feature,
        count(*) AS calls,
        sum(r.input_tokens + r.output_tokens) AS tokens,
        sum({{cost}}) AS cost,
        min(r.ts) AS first_ts,
        max(r.ts) AS last_ts,
        epoch_ms(max(r.ts)) - epoch_ms(min(r.ts)) AS ms
    FROM requests AS r
    WHERE {{scope}} AND {{unit}} IS NOT NULL
    GROUP BY {{unit}}
),
spread AS (
    SELECT
        grouping(feature) AS total, feature, count(*) AS units, sum(cost) AS cost,
        quantile_disc(cost, [0.5, 0.9, 0.99]) AS cost_q, max(cost) AS cost_max,
        quantile_disc(calls, [0.5, 0.9, 0.99]) AS calls_q, max(calls) AS calls_max,
        quantile_disc(tokens, [0.5, 0.9, 0.99]) AS tokens_q, max(tokens) AS tokens_max,
        quantile_disc(ms, [0.5, 0.9, 0.99]) AS ms_q, max(ms) AS ms_max
    FROM units
    GROUP BY GROUPING SETS ((feature), ())
),
shown AS (
    SELECT list((unit_id, feature, calls, tokens, cost, first_ts, last_ts)
                ORDER BY cost DESC NULLS LAST, calls DESC, unit_id) AS top
    FROM (SELECT * FROM units ORDER BY cost DESC NULLS LAST, calls DESC, unit_id LIMIT $top)
)
SELECT
    coalesce(s.total, a.total) AS total, s.feature, coalesce(s.units, 0) AS units, s.cost,
    s.cost_q, s.cost_max, s.calls_q, s.calls_max, s.tokens_q, s.tokens_max, s.ms_q, s.ms_max,
    (SELECT top FROM shown) AS top
FROM spread AS s
FULL JOIN (SELECT 1 AS total) AS a ON a.total = s.total  -- the all-features row even for no unit
ORDER BY 1, s.cost DESC NULLS LAST, s.feature NULLS LAST;
