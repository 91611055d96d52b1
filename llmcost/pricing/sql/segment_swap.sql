-- Point a segment at its rewritten file, only if it still names the file that was read.
UPDATE segments SET file = $new_file WHERE segment_id = $segment_id AND kind = 'requests' AND file = $old_file;
