-- A snapshot's copy of one small table into the reader's in-memory warehouse, matched by column name
-- (a snapshot from an older schema leaves a newer column NULL).
INSERT INTO {{table}} BY NAME SELECT * FROM read_parquet({{path}}, hive_partitioning = false);
