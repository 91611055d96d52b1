-- The tables a (possibly older, read-only) warehouse has.
SELECT table_name FROM duckdb_tables();
