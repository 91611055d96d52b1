-- A published copy of a small table without the raw input lines (rejects, conflicts): the lake
-- carries counts and reasons, not the log text that may hold what a user never meant to share.
COPY (SELECT * REPLACE (NULL::VARCHAR AS raw) FROM read_parquet({{source}}, hive_partitioning = false)) TO {{path}}
    (FORMAT parquet, COMPRESSION zstd);
