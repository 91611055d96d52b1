-- `ingest --engine spark`: the TEMP tables of this connection (is there a fresh_<kind>?).
SELECT table_name FROM duckdb_tables() WHERE temporary;
