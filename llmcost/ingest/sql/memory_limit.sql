-- DuckDB keeps every table block it has read cached (by default up to 80% of RAM), and the
-- de-duplication anti-join reads all loaded keys each batch (16 bytes per record ever loaded):
-- uncapped, peak RSS grew with the warehouse (+180 MiB at 10M records). Capped, key blocks are
-- evicted and re-read from the OS page cache, at no measurable cost. The limit is ours
-- (stage.MEMORY_LIMIT), quoted as a literal.
SET memory_limit = {{limit}};
