-- Classify and map one batch of lines (view clean_lines: line_no, byte_offset, line, bad, raw).
-- The holes are generated from the batch's field plan (fields.py); $name are bound values.
-- Every input line leaves this query in exactly one `kind`: request, outcome, ignored, rejected.
CREATE OR REPLACE TEMP TABLE staged AS
WITH parsed AS (
    SELECT
        line_no,
        byte_offset,
        line,
        bad,
        raw,
        CASE
            WHEN bad IS NULL AND starts_with(ltrim(line), '{') {{guard}}
            THEN json_transform(line, {{structure}})
        END AS s
    FROM clean_lines
),
nested AS (
    SELECT *, {{nested}} FROM parsed
),
fields AS (
    SELECT
        line_no, byte_offset, line, bad, raw, s,
        {{events}} AS events,
        {{event}} AS event_name,
        {{ts}} AS ts_raw,
        {{request_id}} AS request_id,
        {{event_id}} AS event_id,
        {{trace_id}} AS trace_id,
        {{tenant_id}} AS tenant_id,
        {{user_id}} AS user_id,
        {{feature}} AS feature,
        coalesce({{provider}}, $default_provider) AS provider,
        {{model}} AS model,
        {{operation}} AS operation_raw,
        {{input_tokens}} AS input_raw,
        {{cached_input_tokens}} AS cached_raw,
        {{cache_write_tokens}} AS cache_write_raw,
        {{cache_write_1h_tokens}} AS cache_write_1h_raw,
        {{output_tokens}} AS output_raw,
        {{reasoning_tokens}} AS reasoning_raw,
        {{anthropic_cache_read}} AS anth_read_raw,
        {{anthropic_cache_creation}} AS anth_creation_raw,
        {{gemini_candidates}} AS candidates_raw,
        {{latency_ms}} AS latency_raw,
        {{outcome}} AS outcome_raw,
        {{cache_hit}} AS cache_hit_raw,
        {{logged_cost_usd}} AS cost_raw,
        {{value}} AS value_raw,
        {{prompt_version}} AS prompt_version,
        {{service_tier}} AS service_tier,
        {{attrs}} AS attrs,
        {{refused}} AS refused
    FROM nested
),
typed AS (
    SELECT
        *,
        CASE
            WHEN s IS NULL THEN NULL
            WHEN list_has_any(events, $request_events)
                 OR (NOT list_has_any(events, $outcome_events) AND model IS NOT NULL
                     AND (input_raw IS NOT NULL OR output_raw IS NOT NULL))
                THEN 'request'
            -- a failed call whose usage fields are present but null (a gateway row for a 429)
            WHEN NOT list_has_any(events, $outcome_events) AND model IS NOT NULL AND llmcost_failed(outcome_raw)
                 AND {{usage_keys}}
                THEN 'request'
            WHEN list_has_any(events, $outcome_events) THEN 'outcome'
            ELSE 'ignored'
        END AS candidate,
        llmcost_ts(ts_raw, $tz) AS ts,
        ts_raw IS NOT NULL AND NOT ends_with(ts_raw, 'Z') AND NOT llmcost_is_epoch(ts_raw)
            AND NOT llmcost_has_zone(ts_raw) AS naive_ts,
        llmcost_count(input_raw) AS input_n,
        llmcost_count(cached_raw) AS cached_n,
        llmcost_count(cache_write_raw) AS cache_write_n,
        llmcost_count(cache_write_1h_raw) AS cache_write_1h_n,
        llmcost_count(output_raw) AS output_n,
        llmcost_count(reasoning_raw) AS reasoning_n,
        llmcost_count(anth_read_raw) AS anth_read_n,
        llmcost_count(anth_creation_raw) AS anth_creation_n,
        llmcost_count(candidates_raw) AS candidates_n,
        llmcost_duration(latency_raw) AS latency_n,
        llmcost_money(cost_raw) AS cost_n,
        llmcost_number(value_raw) AS value_n
    FROM fields
),
judged AS (
    SELECT
        *,
        CASE
            WHEN bad IS NOT NULL THEN bad
            WHEN refused IS NOT NULL THEN refused
            WHEN s IS NULL AND trim(line, ' '||chr(9)||chr(13)||chr(10)) = '' THEN NULL
            WHEN s IS NULL THEN 'not a JSON object'
            WHEN candidate = 'ignored' THEN NULL
            WHEN ts_raw IS NULL THEN 'missing timestamp'
            WHEN ts IS NULL THEN 'unreadable timestamp'
            WHEN ts > $latest THEN 'timestamp in the future'
            WHEN ts < $earliest THEN 'timestamp before ' || strftime($earliest, '%Y-%m-%d')
            WHEN candidate = 'outcome' THEN NULL
            WHEN model IS NULL OR trim(model) = '' THEN 'missing model'
            WHEN input_raw IS NULL AND output_raw IS NULL AND anth_read_raw IS NULL AND candidates_raw IS NULL
                 AND NOT llmcost_failed(outcome_raw)
                THEN 'missing token counts'
            WHEN input_raw IS NOT NULL AND input_n IS NULL THEN 'invalid input_tokens'
            WHEN output_raw IS NOT NULL AND output_n IS NULL THEN 'invalid output_tokens'
            WHEN cached_raw IS NOT NULL AND cached_n IS NULL THEN 'invalid cached_input_tokens'
            WHEN cache_write_raw IS NOT NULL AND cache_write_n IS NULL THEN 'invalid cache_write_tokens'
            WHEN cache_write_1h_raw IS NOT NULL AND cache_write_1h_n IS NULL THEN 'invalid cache_write_1h_tokens'
            WHEN reasoning_raw IS NOT NULL AND reasoning_n IS NULL THEN 'invalid reasoning_tokens'
            WHEN anth_read_raw IS NOT NULL AND anth_read_n IS NULL THEN 'invalid cache_read_input_tokens'
            WHEN anth_creation_raw IS NOT NULL AND anth_creation_n IS NULL THEN 'invalid cache_creation_input_tokens'
            WHEN candidates_raw IS NOT NULL AND candidates_n IS NULL THEN 'invalid candidatesTokenCount'
            WHEN latency_raw IS NOT NULL AND latency_n IS NULL
                THEN 'invalid latency_ms (a non-negative number of milliseconds)'
            WHEN cost_raw IS NOT NULL AND cost_n IS NULL THEN 'invalid cost'
            WHEN anth_read_raw IS NULL AND anth_creation_raw IS NULL
                 AND coalesce(cached_n, 0) + coalesce(cache_write_n, 0) > coalesce(input_n, 0)
                THEN 'cached + cache-write tokens exceed input_tokens (input must include them)'
            WHEN coalesce(cache_write_1h_n, 0) > coalesce(anth_creation_n, cache_write_n, 0)
                THEN 'cache_write_1h_tokens exceed cache_write_tokens'
            WHEN candidates_n IS NULL AND coalesce(reasoning_n, 0) > coalesce(output_n, 0)
                THEN 'reasoning_tokens exceed output_tokens'
        END AS reason
    FROM typed
),
explained AS (
    -- the value behind the reason, for the reason's own field only (a reject about the model
    -- must not show the latency's value)
    SELECT
        *,
        CASE
            WHEN refused IS NOT NULL THEN left(line, 200)
            WHEN reason IS NULL OR bad IS NOT NULL THEN NULL
            WHEN reason = 'unreadable timestamp' THEN ts_raw
            WHEN reason = 'invalid input_tokens' THEN input_raw
            WHEN reason = 'invalid output_tokens' THEN output_raw
            WHEN reason = 'invalid cached_input_tokens' THEN cached_raw
            WHEN reason = 'invalid cache_write_tokens' THEN cache_write_raw
            WHEN reason = 'invalid cache_write_1h_tokens' THEN cache_write_1h_raw
            WHEN reason = 'invalid reasoning_tokens' THEN reasoning_raw
            WHEN reason = 'invalid cache_read_input_tokens' THEN anth_read_raw
            WHEN reason = 'invalid cache_creation_input_tokens' THEN anth_creation_raw
            WHEN reason = 'invalid candidatesTokenCount' THEN candidates_raw
            WHEN starts_with(reason, 'invalid latency_ms') THEN latency_raw
            WHEN reason = 'invalid cost' THEN cost_raw
        END AS detail
    FROM judged
)
SELECT
    line_no,
    byte_offset,
    kind,
    -- the line itself is kept only where a later step shows it: rejects
    CASE WHEN kind = 'rejected' THEN coalesce(raw, line) END AS raw,
    reason,
    left(detail, 200) AS detail,
    CASE WHEN s IS NULL THEN '(blank line)' ELSE coalesce(event_name, '(no event name)') END AS event,
    -- identity: the logged id, else a hash of the line (so repeats of it are still caught);
    -- CASE arms run only for their rows, so the md5 is paid only where an id is missing
    CASE
        WHEN kind = 'request' AND nullif(trim(request_id), '') IS NOT NULL THEN trim(request_id)
        WHEN kind = 'outcome' AND nullif(trim(event_id), '') IS NOT NULL THEN trim(event_id)
        WHEN kind IN ('request', 'outcome') THEN 'line:' || md5(rtrim(line, chr(13) || chr(10)))
    END AS record_id,
    ts, naive_ts,
    request_id, trace_id, tenant_id, user_id, feature, provider, model,
    operation_raw, prompt_version, service_tier,
    input_n, cached_n, cache_write_n, cache_write_1h_n, output_n, reasoning_n, anth_read_n, anth_creation_n,
    candidates_n,
    latency_n, outcome_raw, cache_hit_raw, cost_n, value_n, attrs
FROM (
    SELECT *,
        CASE
            WHEN reason IS NOT NULL THEN 'rejected'
            WHEN s IS NULL THEN 'ignored'
            ELSE candidate
        END AS kind
    FROM explained
);
