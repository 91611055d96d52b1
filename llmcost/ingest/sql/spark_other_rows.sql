-- `ingest --engine spark`, inside a Spark task: the staged lines that load nothing (rejected and
-- ignored), with what commit_rejects.sql and commit_ignored.sql read from them.
SELECT kind, line_no, byte_offset, event, reason, detail, raw
FROM staged
WHERE kind IN ('rejected', 'ignored');
