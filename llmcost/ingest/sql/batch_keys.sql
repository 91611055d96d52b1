-- The top-level keys present in the batch: the field plan extracts only those.
SELECT DISTINCT unnest(json_keys(line))
FROM clean_lines
WHERE bad IS NULL AND starts_with(ltrim(line), '{') {{guard}};
