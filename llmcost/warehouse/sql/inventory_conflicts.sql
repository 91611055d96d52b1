-- Duplicate request ids whose rows disagree.
SELECT count(*) FROM conflicts;
