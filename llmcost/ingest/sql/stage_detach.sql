-- The run is over: the staging database and its slots go (pipeline.py).
DETACH DATABASE IF EXISTS llmcost_stage;
