-- Spliced into the staging statements (as their guard) when a batch holds malformed JSON: each line
-- is checked before DuckDB's JSON functions read it, so one bad line cannot fail the whole batch.
AND json_valid(line)
