-- `ingest --engine spark`, inside a Spark task: one kind's canonical rows of the staged batch
-- (the select is requests.sql or outcomes.sql), with the key Spark de-duplicates on: the same
-- md5_number of the record id as fresh.sql, in hex (Spark has no 128-bit integer, and hex() is
-- fast where a cast of a UHUGEINT to text is not).
{{select}}, line_no AS _line, hex(md5_number(record_id)) AS _key
FROM staged
WHERE kind = $label;
