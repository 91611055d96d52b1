-- `ingest --engine spark`: every key already loaded, as text, for Spark's anti-join.
COPY (SELECT CAST(key AS VARCHAR) AS k FROM {{keys}}) TO {{path}} (FORMAT parquet);
