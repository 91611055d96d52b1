-- Outcomes held, and how many had naive times.
SELECT count(*), count(*) FILTER (naive_ts) FROM outcomes;
