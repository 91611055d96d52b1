-- An object read to its end: "ETag size source_id committed_offset" under key "object:URL".
INSERT INTO warehouse_meta VALUES ($key, $value);
