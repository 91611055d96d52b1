-- Classify and map one batch of lines (view clean_lines: line_no, byte_offset, line, bad, raw).
-- The holes are generated from the batch's field plan (fields.py); $name are bound values.
-- Every input line leaves this query in exactly one `kind`: request, outcome, ignored, rejected.
-- {{target}}: the TEMP table `staged`, or a slot of the pipelined loader (ingest/pipeline.py).
CREATE OR REPLACE {{target}} AS
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
        {{is_request}} AS is_request,  -- an event-name candidate names a request event
        {{is_outcome}} AS is_outcome,
        {{event}} AS event_name,
        {{ts}} AS ts_raw,
        {{request_id}} AS request_id,
        {{event_id}} AS event_id,
        {{trace_id}} AS trace_id,
        {{session_id}} AS session_id,
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
-- The fast path (issue 16): the simple casts of every typed column, and one vectorised check that
-- a line is plainly valid -- bad/refused absent, an RFC 3339 UTC timestamp inside the accepted
-- range, every count present written as plain digits, a cost that reads as an amount and, for a
-- request, a model, a token count and consistent cache/reasoning counts. For a line that passes,
-- each simple cast equals what the full parser below gives and no reject reason can apply; only
-- the lines that fail the check go through the full per-field parsers and the reason CASE, so
-- rejects keep exactly their reasons and details. ($fast false sends every line the full way: the
-- test that both ways stage the same rows.)
quick AS (
    SELECT
        *,
        CASE
            WHEN s IS NULL THEN NULL
            WHEN is_request
                 OR (NOT is_outcome AND model IS NOT NULL
                     AND (input_raw IS NOT NULL OR output_raw IS NOT NULL))
                THEN 'request'
            -- a failed call whose usage fields are present but null (a gateway row for a 429)
            WHEN NOT is_outcome AND model IS NOT NULL AND llmcost_failed(outcome_raw)
                 AND {{usage_keys}}
                THEN 'request'
            WHEN is_outcome THEN 'outcome'
            ELSE 'ignored'
        END AS candidate,
        -- llmcost_ts's own fast path: the usual RFC 3339 UTC form
        CASE WHEN ends_with(ts_raw, 'Z') AND strlen(ts_raw) >= 20 AND substr(ts_raw, 11, 1) = 'T'
             THEN TRY_CAST(ts_raw AS TIMESTAMPTZ) END AS ts_q,
        -- llmcost_count's own fast path; plain digits are the values whose round trip is themselves
        TRY_CAST(TRY_CAST(input_raw AS UBIGINT) AS BIGINT) AS input_q,
        TRY_CAST(TRY_CAST(cached_raw AS UBIGINT) AS BIGINT) AS cached_q,
        TRY_CAST(TRY_CAST(cache_write_raw AS UBIGINT) AS BIGINT) AS cache_write_q,
        TRY_CAST(TRY_CAST(cache_write_1h_raw AS UBIGINT) AS BIGINT) AS cache_write_1h_q,
        TRY_CAST(TRY_CAST(output_raw AS UBIGINT) AS BIGINT) AS output_q,
        TRY_CAST(TRY_CAST(reasoning_raw AS UBIGINT) AS BIGINT) AS reasoning_q,
        TRY_CAST(TRY_CAST(anth_read_raw AS UBIGINT) AS BIGINT) AS anth_read_q,
        TRY_CAST(TRY_CAST(anth_creation_raw AS UBIGINT) AS BIGINT) AS anth_creation_q,
        TRY_CAST(TRY_CAST(candidates_raw AS UBIGINT) AS BIGINT) AS candidates_q,
        TRY_CAST(TRY_CAST(latency_raw AS UBIGINT) AS BIGINT) AS latency_q,
        -- the full parser, for every line: JSON numbers such as 0.000001 reach it as '1e-06'
        llmcost_money(cost_raw) AS cost_q
    FROM fields
),
checked AS (
    SELECT
        *,
        coalesce(
            $fast AND bad IS NULL AND refused IS NULL AND s IS NOT NULL
            AND ts_q <= $latest AND ts_q >= $earliest
            AND (input_raw IS NULL OR CAST(input_q AS VARCHAR) = input_raw)
            AND (cached_raw IS NULL OR CAST(cached_q AS VARCHAR) = cached_raw)
            AND (cache_write_raw IS NULL OR CAST(cache_write_q AS VARCHAR) = cache_write_raw)
            AND (cache_write_1h_raw IS NULL OR CAST(cache_write_1h_q AS VARCHAR) = cache_write_1h_raw)
            AND (output_raw IS NULL OR CAST(output_q AS VARCHAR) = output_raw)
            AND (reasoning_raw IS NULL OR CAST(reasoning_q AS VARCHAR) = reasoning_raw)
            AND (anth_read_raw IS NULL OR CAST(anth_read_q AS VARCHAR) = anth_read_raw)
            AND (anth_creation_raw IS NULL OR CAST(anth_creation_q AS VARCHAR) = anth_creation_raw)
            AND (candidates_raw IS NULL OR CAST(candidates_q AS VARCHAR) = candidates_raw)
            AND (latency_raw IS NULL OR CAST(latency_q AS VARCHAR) = latency_raw)
            AND (cost_raw IS NULL OR cost_q IS NOT NULL)
            AND (candidate <> 'request' OR (
                trim(model) <> ''
                AND (input_raw IS NOT NULL OR output_raw IS NOT NULL OR anth_read_raw IS NOT NULL
                     OR candidates_raw IS NOT NULL)
                AND (anth_read_raw IS NOT NULL OR anth_creation_raw IS NOT NULL
                     OR coalesce(cached_q, 0) + coalesce(cache_write_q, 0) <= coalesce(input_q, 0))
                AND coalesce(cache_write_1h_q, 0) <= coalesce(anth_creation_q, cache_write_q, 0)
                AND (candidates_q IS NOT NULL OR coalesce(reasoning_q, 0) <= coalesce(output_q, 0))
            )),
            false
        ) AS cheap
    FROM quick
),
typed AS (
    SELECT
        *,
        CASE WHEN cheap THEN ts_q ELSE llmcost_ts(ts_raw, $tz) END AS ts,
        CASE WHEN cheap THEN false
             ELSE ts_raw IS NOT NULL AND NOT ends_with(ts_raw, 'Z') AND NOT llmcost_is_epoch(ts_raw)
                  AND NOT llmcost_has_zone(ts_raw) END AS naive_ts,
        CASE WHEN cheap THEN input_q ELSE llmcost_count(input_raw) END AS input_n,
        CASE WHEN cheap THEN cached_q ELSE llmcost_count(cached_raw) END AS cached_n,
        CASE WHEN cheap THEN cache_write_q ELSE llmcost_count(cache_write_raw) END AS cache_write_n,
        CASE WHEN cheap THEN cache_write_1h_q ELSE llmcost_count(cache_write_1h_raw) END AS cache_write_1h_n,
        CASE WHEN cheap THEN output_q ELSE llmcost_count(output_raw) END AS output_n,
        CASE WHEN cheap THEN reasoning_q ELSE llmcost_count(reasoning_raw) END AS reasoning_n,
        CASE WHEN cheap THEN anth_read_q ELSE llmcost_count(anth_read_raw) END AS anth_read_n,
        CASE WHEN cheap THEN anth_creation_q ELSE llmcost_count(anth_creation_raw) END AS anth_creation_n,
        CASE WHEN cheap THEN candidates_q ELSE llmcost_count(candidates_raw) END AS candidates_n,
        CASE WHEN cheap THEN latency_q ELSE llmcost_duration(latency_raw) END AS latency_n,
        cost_q AS cost_n,
        llmcost_number(value_raw) AS value_n  -- no reject reason reads it
    FROM checked
),
judged AS (
    SELECT
        *,
        CASE
            WHEN cheap THEN NULL
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
    request_id, trace_id, session_id, tenant_id, user_id, feature, provider, model,
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
