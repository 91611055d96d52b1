-- Whether the connection has table $name (TEMP or not, as asked): a rolled-back transaction can
-- take a TEMP table with it, and older warehouses have no `prices` or `segments`.
SELECT count(*) FROM duckdb_tables() WHERE table_name = $name AND temporary = $temporary;
