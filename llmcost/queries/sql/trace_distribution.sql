-- Per feature (and over all features: the row whose `total` is 1), the distribution of the units
-- of trace_units: nearest-rank percentiles (quantile_disc: the value of a real trace, exact money),
-- and the maximum, of cost, calls, tokens and duration in milliseconds.
SELECT
    grouping(feature) AS total,
    feature,
    count(*) AS units,
    sum(cost) AS cost,
    quantile_disc(cost, [0.5, 0.9, 0.99]) AS cost_q,
    max(cost) AS cost_max,
    quantile_disc(calls, [0.5, 0.9, 0.99]) AS calls_q,
    max(calls) AS calls_max,
    quantile_disc(tokens, [0.5, 0.9, 0.99]) AS tokens_q,
    max(tokens) AS tokens_max,
    quantile_disc(epoch_ms(last_ts) - epoch_ms(first_ts), [0.5, 0.9, 0.99]) AS ms_q,
    max(epoch_ms(last_ts) - epoch_ms(first_ts)) AS ms_max
FROM trace_units
GROUP BY GROUPING SETS ((feature), ())
ORDER BY total, sum(cost) DESC NULLS LAST, feature NULLS LAST;
