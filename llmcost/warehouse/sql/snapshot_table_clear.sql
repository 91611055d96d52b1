-- Rows a migration seeded are replaced by the snapshot's own.
DELETE FROM {{table}};
