DELETE FROM watch_checked;
INSERT INTO watch_checked VALUES ($through, $now)
