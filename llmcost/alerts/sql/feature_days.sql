-- Requests, tokens and cost per UTC day, feature, operation and outcome in [$since, $until): the
-- few hundred rows the regression, error-burn and embed-surge rules read.
-- Tokens are input + output: input already includes cache reads and writes, output reasoning.
SELECT CAST(epoch_us(ts) // 86400000000 AS INTEGER) AS day,
       feature,
       operation,
       outcome,
       count(*) AS requests,
       sum(input_tokens + output_tokens) AS tokens,
       sum({{cost}}) AS cost_usd,
       count(*) - count({{cost}}) AS unpriced
FROM requests
WHERE ts >= $since AND ts < $until
GROUP BY ALL
