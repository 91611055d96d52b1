-- The segment directory the views were built over.
INSERT INTO warehouse_meta VALUES ('segment_dir', $dir);
