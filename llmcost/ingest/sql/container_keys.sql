-- The keys present inside one container object ($path, e.g. '$."extra"'), also where the object is
-- held as JSON-encoded text.
SELECT DISTINCT unnest(json_keys(llmcost_unstring(json_extract(line, $path))))
FROM clean_lines
WHERE bad IS NULL AND starts_with(ltrim(line), '{') {{guard}};
