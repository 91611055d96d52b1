-- After the fused COPY (dedup.fused): what the commit (keys, timestamps), the counts (naive_ts)
-- and the pricing summary need of the rows just written, read back from their segment file;
-- the columns are all (`*`) when the batch has repeats (conflicts.sql compares their columns).
CREATE OR REPLACE TEMP TABLE fresh_{{kind}} AS
SELECT {{cols}}, md5_number(request_id) AS _key
FROM read_parquet($file);
