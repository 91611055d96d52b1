-- Log envelopes: a shipper (Loki's `line`, CloudWatch's `message` with Lambda's text prefix,
-- OTLP log records' `body`, Docker's `log`) holds the application's JSON record as a STRING in
-- one field. Where that string holds a JSON object (after any text before its first '{'), the
-- object becomes the line, and the envelope's other fields ride along under `_envelope` (a
-- container: its timestamp or labels fill what the record lacks; nothing is dropped).
-- The pick fragment chooses, per line, the first envelope field of this batch holding text with a '{';
-- it is generated from our own field names, never from input.
CREATE OR REPLACE TEMP VIEW clean_lines AS
WITH b AS (
    SELECT line_no, byte_offset, bad, raw,
           CASE WHEN starts_with(line, chr(65279)) THEN substr(line, 2) ELSE line END AS line
    FROM batch_lines
),
w AS (
    SELECT *,
           CASE WHEN bad IS NULL AND starts_with(ltrim(line), '{') AND json_valid(line) THEN {{pick}} END AS field
    FROM b
),
i AS (
    SELECT *,
           json_extract_string(line, '$."' || field || '"') AS wrapped
    FROM w
),
j AS (
    SELECT *,
           CASE WHEN strpos(wrapped, '{') > 0 THEN substr(wrapped, strpos(wrapped, '{')) END AS inner_json
    FROM i
)
SELECT line_no, byte_offset, bad, raw,
       CASE WHEN inner_json IS NOT NULL AND json_valid(inner_json) AND json_type(inner_json) = 'OBJECT'
            THEN CAST(json_merge_patch(
                     inner_json,
                     json_object('_envelope', json_merge_patch(line, json_object(field, NULL)))
                 ) AS VARCHAR)
            ELSE line END AS line
FROM j;
