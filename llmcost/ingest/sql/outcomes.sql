-- Canonical outcome (product event) rows from the staged batch, before de-duplication.
CREATE OR REPLACE TEMP VIEW stage_outcomes AS
WITH mapped AS (
    SELECT
        coalesce(nullif(trim(event_id), ''), 'line:' || md5(rtrim(line, chr(13) || chr(10)))) AS event_id,
        ts,
        event,
        nullif(trim(request_id), '') AS request_id,
        nullif(trim(trace_id), '') AS trace_id,
        nullif(trim(tenant_id), '') AS tenant_id,
        nullif(trim(feature), '') AS feature,
        nullif(trim(user_id), '') AS user_id,
        value_n AS value,
        naive_ts,
        attrs,
        CAST($source_id AS INTEGER) AS source_id,
        byte_offset AS source_offset,
        line_no AS source_line,
        CAST($ingest_id AS INTEGER) AS ingest_id
    FROM staged
    WHERE kind = 'outcome'
)
SELECT
    *,
    md5_number(event_id) AS _key
FROM mapped;
