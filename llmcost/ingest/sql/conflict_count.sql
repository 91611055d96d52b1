-- How many conflicting duplicates the batch holds (conflicts.sql).
SELECT count(*) FROM conflicts_{{kind}};
