-- One table's rows in the window, with the UTC day they fall in as the Hive partition column.
-- Ordered, so the same warehouse always writes the same files. {{columns}} is `t.*`, or with
-- --redact `t.* REPLACE (...)` with the text columns' secrets replaced by [REDACTED].
COPY (
    SELECT {{columns}}, strftime(timezone('UTC', t.ts), '%Y-%m-%d') AS date
    FROM {{table}} AS t
    WHERE {{window}}
    ORDER BY t.ts, t.{{id}}
) TO '{{target}}' (
    FORMAT parquet,
    COMPRESSION zstd,
    PARTITION_BY (date),
    OVERWRITE_OR_IGNORE
);
