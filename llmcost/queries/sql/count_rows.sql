-- Rows in one of the warehouse's own tables (rejects, conflicts, prices): a fixed name, never input.
SELECT count(*) FROM {{table}};
