SELECT count(*), count(*) FILTER (naive_ts) FROM fresh_{{kind}};
