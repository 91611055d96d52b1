-- The rows read back after the fused COPY: how many, how many timestamps had no zone, and how
-- many distinct lines they came from (a row joined to two price cells would show here).
SELECT count(*), count(*) FILTER (naive_ts), count(DISTINCT source_line) FROM fresh_{{kind}};
