-- The staged halves of a bisected batch (stage.py), put back together as one staged batch.
CREATE OR REPLACE TEMP TABLE staged AS SELECT * FROM staged_parts;
