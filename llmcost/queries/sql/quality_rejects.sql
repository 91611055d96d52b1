-- Rejected lines in the window. A rejected line has no parsed timestamp (often that is why it
-- was rejected), so its time is read from the raw text where it can be: the first timestamp-like
-- key holding RFC 3339 text, or epoch seconds / milliseconds. A line whose time cannot be read
-- is counted as undated, never guessed into or out of a window.
WITH dated AS (
    SELECT coalesce(
        try_cast(nullif(regexp_extract(
            x.raw, '"(?:ts|timestamp|time|@timestamp|datetime|created_at|createdAt)"\s*:\s*"([^"]{10,40})"', 1
        ), '') AS TIMESTAMPTZ),
        CASE length(regexp_extract(x.raw, '"(?:ts|timestamp|time|@timestamp)"\s*:\s*([0-9]{10,13})[,}\s]', 1))
            WHEN 10 THEN to_timestamp(CAST(regexp_extract(x.raw, '"(?:ts|timestamp|time|@timestamp)"\s*:\s*([0-9]{10})[,}\s]', 1) AS BIGINT))
            WHEN 13 THEN make_timestamptz(1000 * CAST(regexp_extract(x.raw, '"(?:ts|timestamp|time|@timestamp)"\s*:\s*([0-9]{13})[,}\s]', 1) AS BIGINT))
        END
    ) AS ts
    FROM rejects AS x
)
SELECT
    count(*) FILTER (WHERE d.ts IS NOT NULL AND {{window}}) AS in_window,
    count(*) FILTER (WHERE d.ts IS NULL) AS undated
FROM dated AS d;
