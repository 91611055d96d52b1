-- Session settings every ingest connection needs (stage.prepare_connection; the memory cap is
-- set apart, in memory_limit.sql, because staging lifts and restores it).
SET TimeZone = 'UTC';
-- row order within a batch carries no meaning (line numbers do): let DuckDB parallelise
SET preserve_insertion_order = false;
-- hand freed batch memory back to the OS promptly: peak memory stays flat as input grows
SET allocator_flush_threshold = '32MB';
