-- One small table as one Parquet file of a snapshot. COPY ... TO takes no parameter: the table name
-- comes from duckdb_tables() and the path is llmcost's own, both quoted.
COPY (SELECT * FROM {{table}}) TO {{path}} (FORMAT parquet, COMPRESSION zstd);
