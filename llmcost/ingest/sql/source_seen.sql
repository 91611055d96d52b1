-- After a file is read: the bytes of an unfinished last line it holds back, and where it was seen.
UPDATE sources SET pending_bytes = $pending_bytes, path = $path, last_seen = $now WHERE source_id = $source_id;
