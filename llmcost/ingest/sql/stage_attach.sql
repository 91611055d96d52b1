-- The in-memory database the staging thread writes each batch's staged rows to (pipeline.py):
-- attached to the instance, so the loader's connection reads what the staging cursor wrote.
ATTACH IF NOT EXISTS ':memory:' AS llmcost_stage;
