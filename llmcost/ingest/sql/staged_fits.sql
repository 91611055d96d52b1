-- Whether every line of the staged batch fits the field plan it was staged with (stage.sql).
SELECT count(*) FILTER (NOT fits) FROM staged;
