-- Every registered segment file: anything else in the segment directory is an orphan.
SELECT file FROM segments;
