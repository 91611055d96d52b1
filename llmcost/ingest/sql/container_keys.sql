-- The keys present inside one container object ($path, e.g. '$."extra"').
SELECT DISTINCT unnest(json_keys(line, $path))
FROM clean_lines
WHERE bad IS NULL AND starts_with(ltrim(line), '{') {{guard}};
