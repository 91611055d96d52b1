-- A published copy of a small table without the raw input lines (rejects, conflicts): the lake
-- carries counts and reasons, not the log text that may hold what a user never meant to share.
-- Only the line's time survives, as the `"key": value` fragments the window count reads
-- (llmcost/queries/sql/quality_rejects.sql, same patterns): a rejected line is dated alike from the
-- warehouse and from its lake; a line with no readable time keeps NULL.
COPY (
    SELECT * REPLACE (
        nullif(concat_ws(' ',
            nullif(regexp_extract(raw, '"(?:ts|timestamp|time|@timestamp|datetime|created_at|createdAt)"\s*:\s*"([^"]{10,40})"', 0), ''),
            nullif(regexp_extract(raw, '"(?:ts|timestamp|time|@timestamp)"\s*:\s*([0-9]{10,13})[,}\s]', 0), '')
        ), '')::VARCHAR AS raw
    )
    FROM read_parquet({{source}}, hive_partitioning = false)
) TO {{path}} (FORMAT parquet, COMPRESSION zstd);
