-- hive_partitioning off: a folder named `a=b` on the way is not a column.
-- union_by_name: segments written before a migration added a column read it as NULL.
UNION ALL BY NAME SELECT * FROM read_parquet([{{files}}], union_by_name = true, hive_partitioning = false)
