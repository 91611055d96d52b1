-- `ingest --engine spark`: per input file, the rows of a kind Spark marked fresh, and how many of
-- their timestamps had no zone.
SELECT file_idx, count(*) FILTER (fresh), count(*) FILTER (fresh AND naive_ts)
FROM spark_rows
GROUP BY file_idx;
