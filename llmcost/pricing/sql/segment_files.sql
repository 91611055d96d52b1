-- The Parquet segments a reprice reads keys from, as one relation.
read_parquet(CAST($files AS VARCHAR[]), union_by_name = true)
