-- The TEMP views of this connection (queries/session.py `prepare` shadows a writer's views with
-- them), as the statements that made them: a sibling connection makes them again.
SELECT sql FROM duckdb_views() WHERE temporary AND NOT internal ORDER BY view_name;
