-- `--explain`: the canonical request rows of the staged lines, without de-duplication (nothing is
-- loaded; the select fragment is requests.sql, with source and run 0 bound).
CREATE TEMP TABLE fresh_requests AS
{{select}}, line_no FROM staged WHERE kind = 'request';
