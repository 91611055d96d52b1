-- `ingest --engine spark`: the new rows of a kind that Spark marked fresh, as fresh_<kind> (the
-- table the price step and commit.sql's statements read), in source order, with their key.
CREATE OR REPLACE TEMP TABLE fresh_{{kind}} AS
SELECT * EXCLUDE (file_idx, fresh), md5_number({{id}}) AS _key
FROM spark_rows
WHERE fresh
ORDER BY source_id, source_line;
