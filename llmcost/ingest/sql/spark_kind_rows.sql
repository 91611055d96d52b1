-- `ingest --engine spark`, inside a Spark task: one kind's canonical rows of the staged batch
-- (the select is requests.sql or outcomes.sql), with the key Spark de-duplicates on: the same
-- md5_number of the record id as fresh.sql, as text (Spark has no 128-bit integer).
{{select}}, line_no AS _line, CAST(md5_number(record_id) AS VARCHAR) AS _key
FROM staged
WHERE kind = $label;
