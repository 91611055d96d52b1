-- A TEMP working table, gone whatever happened.
DROP TABLE IF EXISTS {{table}};
