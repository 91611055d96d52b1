-- The staged halves of a bisected batch (stage.py), put back together as one staged batch.
CREATE OR REPLACE {{target}} AS SELECT * FROM staged_parts;
