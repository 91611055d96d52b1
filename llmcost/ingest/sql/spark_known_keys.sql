-- `ingest --engine spark`: every key already loaded, in hex as spark_kind_rows.sql writes it, for
-- Spark's anti-join.
COPY (SELECT hex(key) AS k FROM {{keys}}) TO {{path}} (FORMAT parquet);
