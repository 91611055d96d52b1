-- Whether `requests` is a base table (older warehouses) or a view over segments.
SELECT table_type FROM information_schema.tables
WHERE table_name = 'requests' AND table_schema = 'main' AND table_catalog = current_database();
