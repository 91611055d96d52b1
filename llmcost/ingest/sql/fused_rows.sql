-- fresh.sql without its TEMP table (issue 16): the staged rows of one kind whose identity was
-- never loaded (with first_only, the first sighting of an id repeated in the batch), canonical,
-- read straight into the segment's COPY (dedup.fused). No semicolon: it is spliced into a COPY.
{{select}}
FROM (SELECT *, md5_number(record_id) AS _key FROM staged WHERE kind = $label) s
ANTI JOIN {{keys}} k ON s._key = k.key
{{first_only}}
