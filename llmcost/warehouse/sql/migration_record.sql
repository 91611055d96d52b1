-- Recorded in the migration's own transaction: applied exactly when its changes are.
INSERT INTO schema_migrations VALUES ($version, $name, now());
