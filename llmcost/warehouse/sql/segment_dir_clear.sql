-- The segment directory the views point at is recorded once: the old record goes first.
DELETE FROM warehouse_meta WHERE key = 'segment_dir';
