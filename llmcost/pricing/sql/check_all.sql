-- `pricing check` in one scan of the window: per provider and model, the counts and sums of its
-- four answers (check_totals, check_unpriced, check_drift and check_names.sql say what each
-- is), then each answer from those few rows, in the order those statements give, tagged by
-- `part` and numbered by `n`. The HTML report runs this over 10M requests: one scan, not four.
WITH m AS MATERIALIZED (
    SELECT
        r.provider,
        r.model,
        count(*) AS requests,
        count(*) FILTER (
            WHERE r.price_ref IS NOT NULL AND r.price_ref <> $cache_hit_ref AND NOT contains(r.price_ref, $stamp)
        ) AS stale,
        count(*) FILTER (WHERE r.cost_usd IS NULL) AS unpriced,
        sum(r.input_tokens) FILTER (WHERE r.cost_usd IS NULL) AS unpriced_input,
        sum(r.output_tokens) FILTER (WHERE r.cost_usd IS NULL) AS unpriced_output,
        min(r.ts) FILTER (WHERE r.cost_usd IS NULL) AS first_seen,
        max(r.ts) FILTER (WHERE r.cost_usd IS NULL) AS last_seen,
        sum(r.logged_cost_usd) FILTER (WHERE r.cost_usd IS NULL) AS unpriced_logged,
        count(*) FILTER (
            WHERE r.logged_cost_usd IS NOT NULL AND r.cost_usd IS NOT NULL AND NOT r.cache_hit
        ) AS drift_requests,
        sum(r.logged_cost_usd) FILTER (
            WHERE r.logged_cost_usd IS NOT NULL AND r.cost_usd IS NOT NULL AND NOT r.cache_hit
        ) AS drift_logged,
        sum(r.cost_usd) FILTER (
            WHERE r.logged_cost_usd IS NOT NULL AND r.cost_usd IS NOT NULL AND NOT r.cache_hit
        ) AS drift_derived
    FROM requests AS r
    WHERE ({{where}})
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
