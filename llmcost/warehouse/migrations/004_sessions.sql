-- A session (a conversation, a chat thread: many traces of one user's visit) as a first-class
-- column, so `llmcost traces --by session` and the session-budget rule group on it without
-- parsing attrs. ADD COLUMN appends it after ingest_id; segments written before this migration
-- have no such column and read it as NULL (the view reads them with union_by_name).
ALTER TABLE requests_columns ADD COLUMN session_id VARCHAR;
