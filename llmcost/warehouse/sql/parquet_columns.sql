-- The column names of one Parquet file.
SELECT name FROM parquet_schema($path);
