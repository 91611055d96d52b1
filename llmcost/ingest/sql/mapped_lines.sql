-- Each line of the batch as staging read it (after envelope unwrapping), for `--explain`.
SELECT line FROM clean_lines ORDER BY line_no;
