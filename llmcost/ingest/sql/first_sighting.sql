-- Spliced into fresh.sql when an id repeats inside the batch: only its first line is fresh.
QUALIFY row_number() OVER (PARTITION BY s._key ORDER BY s.line_no) = 1
