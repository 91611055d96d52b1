-- The staged rows of one kind whose identity was never loaded; with {{first_only}}, only the
-- first sighting of an id repeated inside the batch. ({{...}}: our own names, never input.)
CREATE OR REPLACE TEMP TABLE fresh_{{kind}} AS
{{select}}, s._key
FROM (SELECT *, md5_number(record_id) AS _key FROM staged WHERE kind = '{{label}}') s
ANTI JOIN {{keys}} k ON s._key = k.key
{{first_only}};
