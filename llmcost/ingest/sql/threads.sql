-- DuckDB's worker threads while a run loads (load.INGEST_THREADS), and the setting it restores
-- after. SET takes no parameter: the count is an integer we render.
SET threads = {{threads}};
