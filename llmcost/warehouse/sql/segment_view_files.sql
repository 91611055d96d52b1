-- union_by_name: segments written before a migration added a column read it as NULL.
UNION ALL BY NAME SELECT * FROM read_parquet([{{files}}], union_by_name = true)
