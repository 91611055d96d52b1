-- Value parsers shared by every source format. Strict on purpose: a value that is not clearly a
-- whole number, an amount or a time is NOT guessed at; the line is quarantined with the reason.

-- Whole non-negative counts: 4200, "4200", "4,200" (thousands separators), 4.2e3 / "4200.0"
-- (integral). Not: negative, fractional, NaN, infinities, anything past 10^18.
CREATE OR REPLACE TEMP MACRO llmcost_count(v) AS CASE
    WHEN v IS NULL THEN NULL
    -- fast path, no regex: plain digits are exactly the strings that survive a round trip
    -- through UBIGINT unchanged in length (DuckDB's cast also takes '4_200', '0x10', ' 42', '4.5')
    WHEN NOT contains(v, '.') AND strlen(CAST(TRY_CAST(v AS UBIGINT) AS VARCHAR)) = strlen(v)
        THEN TRY_CAST(TRY_CAST(v AS UBIGINT) AS BIGINT)
    WHEN regexp_full_match(v, '[0-9]{1,18}') THEN CAST(v AS BIGINT)
    WHEN regexp_full_match(v, '[0-9]{1,3}(,[0-9]{3}){1,5}') THEN CAST(replace(v, ',', '') AS BIGINT)
    WHEN regexp_full_match(v, '[0-9]+(\.[0-9]*)?([eE][+]?[0-9]{1,2})?')
         AND TRY_CAST(v AS DOUBLE) < 1e18
         AND TRY_CAST(v AS DOUBLE) = floor(TRY_CAST(v AS DOUBLE))
        THEN CAST(TRY_CAST(v AS DOUBLE) AS BIGINT)
    ELSE NULL
END;

-- Non-negative USD amounts, kept exact as DECIMAL(18, 9) (nano-dollars).
CREATE OR REPLACE TEMP MACRO llmcost_money(v) AS CASE
    WHEN v IS NULL THEN NULL
    WHEN strlen(v) <= 20 AND NOT contains(v, 'e') AND NOT contains(v, 'E') AND NOT contains(v, '_')
         AND NOT contains(v, 'x') AND NOT contains(v, ' ') AND NOT starts_with(v, '-') AND NOT starts_with(v, '+')
        THEN TRY_CAST(v AS DECIMAL(18, 9))
    WHEN regexp_full_match(v, '[0-9]{1,9}(\.[0-9]+)?') THEN TRY_CAST(v AS DECIMAL(18, 9))
    WHEN regexp_full_match(v, '[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]{1,2}') AND TRY_CAST(v AS DOUBLE) < 1e9
        THEN TRY_CAST(TRY_CAST(v AS DOUBLE) AS DECIMAL(18, 9))
    ELSE NULL
END;

-- Durations are measurements, not counts: a derived span duration is fractional (7.687 ms), and so
-- is a timer's reading. Non-negative and finite, rounded to the whole millisecond; not negative,
-- not NaN, not past 10^15 ms.
CREATE OR REPLACE TEMP MACRO llmcost_duration(v) AS CASE
    WHEN v IS NULL THEN NULL
    WHEN NOT contains(v, '.') AND NOT contains(v, 'e') AND NOT contains(v, 'E') THEN llmcost_count(v)
    WHEN regexp_full_match(v, '[0-9]*\.?[0-9]+([eE][+-]?[0-9]{1,3})?|[0-9]+\.')
         AND TRY_CAST(v AS DOUBLE) < 1e15
        THEN CAST(round(TRY_CAST(v AS DOUBLE)) AS BIGINT)
    ELSE NULL
END;

CREATE OR REPLACE TEMP MACRO llmcost_number(v) AS CASE
    WHEN v IS NULL THEN NULL
    WHEN regexp_full_match(v, '-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]{1,3})?') AND isfinite(TRY_CAST(v AS DOUBLE))
        THEN TRY_CAST(v AS DOUBLE)
    ELSE NULL
END;

CREATE OR REPLACE TEMP MACRO llmcost_bool(v) AS
    lower(trim(coalesce(v, ''))) IN ('true', '1', 'yes', 'y', 'hit');

-- success | timeout | rate_limited | error | cancelled | unknown
CREATE OR REPLACE TEMP MACRO llmcost_outcome(v) AS CASE
    WHEN v IS NULL THEN 'unknown'
    WHEN v IN ('success', 'timeout', 'rate_limited', 'error', 'cancelled') THEN v  -- canonical already
    -- 'default' is Langfuse's level for a normal observation (its failures are level ERROR)
    WHEN lower(trim(v)) IN ('success', 'succeeded', 'ok', 'completed', 'complete', 'done', '200', 'true',
                            'default')
        THEN 'success'
    WHEN lower(trim(v)) IN ('timeout', 'timed_out', 'timedout', 'deadline_exceeded', '504', '408')
        THEN 'timeout'
    WHEN lower(trim(v)) IN ('rate_limited', 'ratelimited', 'rate_limit', 'throttled', '429', 'too_many_requests')
        THEN 'rate_limited'
    WHEN lower(trim(v)) IN ('cancelled', 'canceled', 'aborted', 'client_closed', '499') THEN 'cancelled'
    WHEN lower(trim(v)) IN ('error', 'failed', 'failure', 'fail', 'exception', 'false')
         OR regexp_full_match(trim(v), '[45][0-9][0-9]') THEN 'error'
    ELSE 'unknown'
END;

-- A call that failed (outcome error, timeout, rate_limited, cancelled) may carry no usage at all:
-- it is still a request (0 tokens), or error rates would be undercounted.
CREATE OR REPLACE TEMP MACRO llmcost_failed(v) AS
    llmcost_outcome(v) IN ('error', 'timeout', 'rate_limited', 'cancelled');

-- chat | embedding | rerank | completion | image | audio | moderation (gateway spellings folded)
CREATE OR REPLACE TEMP MACRO llmcost_operation(v, model) AS CASE
    WHEN v IN ('chat', 'embedding', 'rerank', 'completion') THEN v  -- canonical already
    WHEN v IS NULL THEN CASE
        WHEN lower(coalesce(model, '')) LIKE '%embed%' THEN 'embedding'
        WHEN lower(coalesce(model, '')) LIKE '%rerank%' THEN 'rerank'
        ELSE 'chat' END
    WHEN lower(v) IN ('embedding', 'embeddings', 'aembedding', 'embed', 'embed_content', 'embedcontent')
        THEN 'embedding'
    WHEN lower(v) IN ('rerank', 'arerank', 'reranking') THEN 'rerank'
    WHEN lower(v) IN ('chat', 'acompletion', 'completion_chat', 'chat.completions', 'chat_completion',
                      'generation', 'generate_content', 'generatecontent', 'converse', 'messages',
                      'responses', 'aresponses', 'invoke_model', 'invokemodel') THEN 'chat'
    WHEN lower(v) IN ('completion', 'completions', 'text_completion', 'atext_completion') THEN 'completion'
    WHEN lower(v) IN ('image_generation', 'aimage_generation', 'image') THEN 'image'
    WHEN lower(v) IN ('transcription', 'atranscription', 'speech', 'aspeech', 'audio') THEN 'audio'
    WHEN lower(v) IN ('moderation', 'amoderation') THEN 'moderation'
    ELSE lower(v)
END;

-- Epoch numbers (seconds, ms, µs or ns by magnitude) or ISO-8601 / RFC 3339 text, with a comma
-- allowed before the fraction (python's asctime). Text without a zone is read in `tz`.
CREATE OR REPLACE TEMP MACRO llmcost_is_epoch(v) AS regexp_full_match(v, '[0-9]{9,19}(\.[0-9]+)?');

CREATE OR REPLACE TEMP MACRO llmcost_has_zone(v) AS
    contains(v, ':') AND regexp_matches(v, '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?|\s?(UTC|GMT))$');

CREATE OR REPLACE TEMP MACRO llmcost_ts(v, tz) AS CASE
    WHEN v IS NULL THEN NULL
    -- fast path for the usual RFC 3339 UTC form
    WHEN ends_with(v, 'Z') AND strlen(v) >= 20 AND substr(v, 11, 1) = 'T' THEN TRY_CAST(v AS TIMESTAMPTZ)
    WHEN llmcost_is_epoch(v) THEN CASE
        WHEN CAST(v AS DOUBLE) >= 1e17 THEN to_timestamp(CAST(v AS DOUBLE) / 1e9)
        WHEN CAST(v AS DOUBLE) >= 1e14 THEN to_timestamp(CAST(v AS DOUBLE) / 1e6)
        WHEN CAST(v AS DOUBLE) >= 1e11 THEN to_timestamp(CAST(v AS DOUBLE) / 1e3)
        ELSE to_timestamp(CAST(v AS DOUBLE)) END
    WHEN llmcost_has_zone(v) THEN TRY_CAST(replace(regexp_replace(v, '\s?(UTC|GMT)$', 'Z'), ',', '.') AS TIMESTAMPTZ)
    ELSE timezone(tz, TRY_CAST(replace(v, ',', '.') AS TIMESTAMP))
END;

-- A JSON value's scalar text; NULL for objects and arrays (a key that is both a column's alias and a
-- container, such as `result`, holds a value only when it is not an object).
CREATE OR REPLACE TEMP MACRO llmcost_scalar(j) AS
    CASE WHEN json_type(j) IN ('OBJECT', 'ARRAY') THEN NULL ELSE j ->> '$' END;

-- An object some producers keep as JSON-encoded TEXT (LiteLLM's `metadata`, OpenInference's
-- `metadata` attribute) read as the object it encodes; any other value unchanged.
CREATE OR REPLACE TEMP MACRO llmcost_unstring(j) AS CASE
    WHEN json_type(j) = 'VARCHAR' AND starts_with(ltrim(j ->> '$'), '{') AND json_valid(j ->> '$')
        THEN CAST(j ->> '$' AS JSON)
    ELSE j
END;
