-- The batch as staging reads it: a byte-order mark may open any line (concatenated files).
CREATE OR REPLACE TEMP VIEW clean_lines AS
SELECT line_no, byte_offset, bad, raw,
       CASE WHEN starts_with(line, chr(65279)) THEN substr(line, 2) ELSE line END AS line
FROM batch_lines;
