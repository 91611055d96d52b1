-- A repriced segment's rows, in the file's own order (segment_rewrite.sql), to be written as a new segment.
SELECT * FROM _llmcost_segment
