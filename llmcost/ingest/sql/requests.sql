-- Canonical request rows of the staged batch (the SELECT list; dedup.py adds the de-duplication).
SELECT
    record_id AS request_id,
    ts,
    nullif(trim(trace_id), '') AS trace_id,
    nullif(trim(tenant_id), '') AS tenant_id,
    nullif(trim(user_id), '') AS user_id,
    nullif(trim(feature), '') AS feature,
    nullif(lower(trim(provider)), '') AS provider,
    trim(model) AS model,
    llmcost_operation(operation_raw, model) AS operation,
    -- Anthropic's names mean input_tokens counted uncached input only: add the cache back
    CASE WHEN anth_read_n IS NOT NULL OR anth_creation_n IS NOT NULL
         THEN coalesce(input_n, 0) + coalesce(anth_read_n, 0) + coalesce(anth_creation_n, 0)
         ELSE coalesce(input_n, 0) END AS input_tokens,
    coalesce(anth_read_n, cached_n, 0) AS cached_input_tokens,
    coalesce(anth_creation_n, cache_write_n, 0) AS cache_write_tokens,
    coalesce(cache_write_1h_n, 0) AS cache_write_1h_tokens,
    -- Gemini's candidates exclude thinking tokens, which output includes
    CASE WHEN candidates_n IS NOT NULL THEN candidates_n + coalesce(reasoning_n, 0)
         ELSE coalesce(output_n, 0) END AS output_tokens,
    coalesce(reasoning_n, 0) AS reasoning_tokens,
    latency_n AS latency_ms,
    llmcost_outcome(outcome_raw) AS outcome,
    llmcost_bool(cache_hit_raw) AS cache_hit,
    cost_n AS logged_cost_usd,
    CAST(NULL AS DECIMAL(18, 9)) AS cost_usd,
    CAST(NULL AS VARCHAR) AS price_ref,
    nullif(trim(prompt_version), '') AS prompt_version,
    nullif(trim(service_tier), '') AS service_tier,
    naive_ts,
    CAST(attrs AS VARCHAR) AS attrs,  -- plain strings in Parquet, as every segment before issue 16 (Iceberg has no JSON type)
    CAST($source_id AS INTEGER) AS source_id,
    byte_offset AS source_offset,
    line_no AS source_line,
    CAST($ingest_id AS INTEGER) AS ingest_id,
    -- last, as migration 004 added it to requests_columns
    nullif(trim(session_id), '') AS session_id
