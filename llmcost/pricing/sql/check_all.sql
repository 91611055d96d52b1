-- `pricing check` in one scan of the window: per provider and model, the counts and sums of its
-- four answers (check_totals, check_unpriced, check_drift and check_names.sql say what each
-- is), then each answer from those few rows, in the order those statements give, tagged by
-- `part` and numbered by `n`. The HTML report runs this over 10M requests: one scan, not four.
-- The cells: check_cells.sql (a scan of the window), or check_cells_rollup.sql (the HTML report's
-- rollup, which summed the same cells while it scanned the window for its spend views).
WITH cells AS (
    {{cells}}
),
m AS MATERIALIZED (
    SELECT
        c.provider,
        c.model,
        sum(c.requests) AS requests,
        sum(c.stale) AS stale,
        coalesce(sum(c.requests) FILTER (WHERE c.unpriced), 0) AS unpriced,
        sum(c.input_tokens) FILTER (WHERE c.unpriced) AS unpriced_input,
        sum(c.output_tokens) FILTER (WHERE c.unpriced) AS unpriced_output,
        min(c.first_seen) FILTER (WHERE c.unpriced) AS first_seen,
        max(c.last_seen) FILTER (WHERE c.unpriced) AS last_seen,
        sum(c.logged_cost) FILTER (WHERE c.unpriced) AS unpriced_logged,
        coalesce(sum(c.requests) FILTER (WHERE c.drift), 0) AS drift_requests,
        sum(c.logged_cost) FILTER (WHERE c.drift) AS drift_logged,
        sum(c.derived_cost) FILTER (WHERE c.drift) AS drift_derived
    FROM cells AS c
    GROUP BY ALL
),
parts AS (
    SELECT 0 AS part, 0 AS n, NULL AS provider, NULL AS model,
           coalesce(sum(m.requests), 0) AS requests, coalesce(sum(m.stale), 0) AS stale,
           NULL AS input_tokens, NULL AS output_tokens, NULL AS first_seen, NULL AS last_seen,
           NULL AS logged_cost, NULL AS derived_cost
    FROM m
    UNION ALL
    SELECT 1, row_number() OVER (ORDER BY m.unpriced DESC, m.model, m.provider NULLS FIRST), m.provider, m.model,
           m.unpriced, NULL, m.unpriced_input, m.unpriced_output, m.first_seen, m.last_seen, m.unpriced_logged, NULL
    FROM m
    WHERE m.unpriced > 0
    UNION ALL
    SELECT 2,
           row_number() OVER (
               ORDER BY abs(m.drift_derived - m.drift_logged) DESC, m.model, m.provider NULLS FIRST
           ),
           m.provider, m.model, m.drift_requests, NULL, NULL, NULL, NULL, NULL, m.drift_logged, m.drift_derived
    FROM m
    WHERE m.drift_requests > 0
    UNION ALL
    SELECT 3, row_number() OVER (ORDER BY m.requests DESC, m.model, m.provider NULLS FIRST), m.provider, m.model,
           m.requests, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM m
)
SELECT * FROM parts ORDER BY part, n;
