-- The rows of a fresh table as its segment file keeps them (the key lives in the key table);
-- no semicolon: it is written out inside a COPY (warehouse/segments.py).
SELECT * EXCLUDE (_key) FROM fresh_{{kind}}
