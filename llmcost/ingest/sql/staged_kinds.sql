-- How many lines of the staged batch fell into each kind (request, outcome, ignored, rejected).
SELECT kind, count(*) FROM staged GROUP BY kind;
