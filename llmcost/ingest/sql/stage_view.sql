-- The loader's `staged`: the slot of the staging database holding the batch it loads now
-- (pipeline.py). The slot is a number we render.
CREATE OR REPLACE TEMP VIEW staged AS SELECT * FROM llmcost_stage.staged_{{slot}};
