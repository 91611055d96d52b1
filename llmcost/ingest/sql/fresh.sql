-- The staged rows of one kind whose identity was never loaded; with the first_only fragment (a
-- QUALIFY, given when an id repeats inside the batch), only the first sighting of it. The holes are
-- our own names and requests.sql/outcomes.sql; $label, $source_id and $ingest_id are bound.
CREATE OR REPLACE TEMP TABLE fresh_{{kind}} AS
{{select}}, s._key
FROM (SELECT *, md5_number(record_id) AS _key FROM staged WHERE kind = $label) s
ANTI JOIN {{keys}} k ON s._key = k.key
{{first_only}};
