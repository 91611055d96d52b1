-- The staged batch, handed from the staging connection to the loader's.
SELECT * FROM staged;
