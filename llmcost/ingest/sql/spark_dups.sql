-- `ingest --engine spark`: the rows of a kind Spark did not mark fresh (duplicates), kept for the
-- conflicts check after spark_rows is replaced by the next kind's.
CREATE OR REPLACE TEMP TABLE spark_dups_{{kind}} AS SELECT * FROM spark_rows WHERE NOT fresh;
