-- The registered segments, in the order they were written: a snapshot's segment list.
SELECT segment_id, kind, file, rows, min_ts, max_ts FROM segments ORDER BY segment_id;
