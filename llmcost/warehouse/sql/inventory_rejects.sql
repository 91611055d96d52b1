-- Rejected lines by reason, most frequent first.
SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY count(*) DESC, reason;
