-- The columns of a table llmcost exports (a fixed name), to redact its text and JSON ones.
DESCRIBE {{table}};
