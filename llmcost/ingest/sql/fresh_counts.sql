-- How many rows the batch loads, and how many of their timestamps had no zone.
SELECT count(*), count(*) FILTER (naive_ts) FROM fresh_{{kind}};
