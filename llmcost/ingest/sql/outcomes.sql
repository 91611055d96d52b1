-- Canonical outcome (product event) rows of the staged batch (dedup.py adds the de-duplication).
SELECT
    record_id AS event_id,
    ts,
    event,
    nullif(trim(request_id), '') AS request_id,
    nullif(trim(trace_id), '') AS trace_id,
    nullif(trim(tenant_id), '') AS tenant_id,
    nullif(trim(feature), '') AS feature,
    nullif(trim(user_id), '') AS user_id,
    value_n AS value,
    naive_ts,
    CAST(attrs AS VARCHAR) AS attrs,  -- plain strings in Parquet, as every segment before issue 16 (Iceberg has no JSON type)
    CAST($source_id AS INTEGER) AS source_id,
    byte_offset AS source_offset,
    line_no AS source_line,
    CAST($ingest_id AS INTEGER) AS ingest_id
