-- Does this field hold wrapped JSON records in this batch? (a sample decides whether to unwrap)
SELECT count(*)
FROM (SELECT line FROM clean_lines WHERE bad IS NULL AND starts_with(ltrim(line), '{') LIMIT 500)
WHERE json_valid(line) AND contains(coalesce(json_extract_string(line, {{field}}), ''), '{');
