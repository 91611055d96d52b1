-- `llmcost traces` in one statement: one row per trace (or, with --by session, per session) whose
-- calls fall in the scope, aggregated once and kept in memory (a MATERIALIZED CTE: a temp table
-- costs as much again to write as the GROUP BY), then per feature (total = 0) and over all features
-- (total = 1): how many units, their cost, and the nearest-rank p50/p90/p99 and maximum of cost,
-- calls, tokens and duration; and, on every row, the `$top` costliest units (most calls first among
-- equals, then by id).
--
-- A unit's feature is the smallest of its calls' (they agree unless the app logged otherwise). Cost
-- sums the priced calls (NULL when none were: never $0). Duration runs from the first call's
-- timestamp to the last one's. Calls with no id of the unit are left out (trace_untraced.sql).
--
-- The percentiles are exact and equal DuckDB's quantile_disc (the value of a real unit: for n values
-- and fraction q, the k-th smallest with k = n - floor(n - n*q), at least 1). The quantiles hole holds one
-- piece per measure, chosen per measure in queries/traces.py (QUANTILES): trace_quantiles.sql reads
-- them from the measure's histogram (value -> units) per feature, the all-features row from the
-- per-feature histograms, cheap where values repeat (calls, tokens); trace_quantiles_disc.sql runs
-- quantile_disc over the per-unit rows, cheap where nearly every unit has its own value (cost,
-- duration). Each piece gives q_<measure> (total, feature, q) and f_<measure> (feature, n, s, mx): a
-- feature's count, sum and maximum, from which its units (n of calls), cost (s of cost) and maxima
-- come, so the per-unit rows are read once per measure and once for the top N.
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
{{quantiles}},
per_feature AS (
    SELECT 0 AS total, k.feature, k.n AS units, c.s AS cost, c.mx AS cost_max, k.mx AS calls_max,
           t.mx AS tokens_max, m.mx AS ms_max
    FROM f_calls AS k
    LEFT JOIN f_cost AS c ON c.feature IS NOT DISTINCT FROM k.feature
    LEFT JOIN f_tokens AS t ON t.feature IS NOT DISTINCT FROM k.feature
    LEFT JOIN f_ms AS m ON m.feature IS NOT DISTINCT FROM k.feature
),
totals AS (
    SELECT
        1 AS total, NULL::VARCHAR AS feature, coalesce(sum(units), 0)::BIGINT AS units, sum(cost) AS cost,
        max(cost_max) AS cost_max, max(calls_max) AS calls_max, max(tokens_max) AS tokens_max,
        max(ms_max) AS ms_max
    FROM per_feature
),
shown AS (
    SELECT list((unit_id, feature, calls, tokens, cost, first_ts, last_ts)
                ORDER BY cost DESC NULLS LAST, calls DESC, unit_id) AS top
    FROM (SELECT * FROM units ORDER BY cost DESC NULLS LAST, calls DESC, unit_id LIMIT $top)
)
SELECT
    d.total, d.feature, d.units, d.cost,
    qc.q AS cost_q, d.cost_max,
    qk.q AS calls_q, d.calls_max,
    qt.q AS tokens_q, d.tokens_max,
    qm.q AS ms_q, d.ms_max,
    (SELECT top FROM shown) AS top
FROM (SELECT * FROM per_feature UNION ALL SELECT * FROM totals) AS d
LEFT JOIN q_cost AS qc ON qc.total = d.total AND qc.feature IS NOT DISTINCT FROM d.feature
LEFT JOIN q_calls AS qk ON qk.total = d.total AND qk.feature IS NOT DISTINCT FROM d.feature
LEFT JOIN q_tokens AS qt ON qt.total = d.total AND qt.feature IS NOT DISTINCT FROM d.feature
LEFT JOIN q_ms AS qm ON qm.total = d.total AND qm.feature IS NOT DISTINCT FROM d.feature
ORDER BY d.total, d.cost DESC NULLS LAST, d.feature NULLS LAST;
