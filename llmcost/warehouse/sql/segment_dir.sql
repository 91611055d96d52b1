-- The segment directory the views were built over, when recorded.
SELECT value FROM warehouse_meta WHERE key = 'segment_dir';
