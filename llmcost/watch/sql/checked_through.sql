-- How far `llmcost watch` has checked (no row: it never ran on this warehouse).
SELECT checked_through FROM watch_checked
