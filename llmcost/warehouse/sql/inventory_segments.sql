-- Parquet segments registered.
SELECT count(*) FROM segments;
