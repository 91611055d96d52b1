-- One batch as one Parquet file. COPY ... TO takes no parameter: the path is a quoted literal.
-- snappy: ingest writes fast; `llmcost compact` rewrites cold segments with zstd.
COPY ({{select}}) TO {{path}} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880);
