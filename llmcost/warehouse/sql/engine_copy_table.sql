-- One small table as a Parquet file, for an engine that reads files (Spark); the path is a quoted
-- literal (COPY takes no parameter), the table a fixed name from the warehouse's own list.
COPY (SELECT * FROM {{table}}) TO {{target}} (FORMAT parquet);
