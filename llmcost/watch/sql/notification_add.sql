-- An alert not notified before (its rule, subject and window never seen) becomes a row to send;
-- one shown on stderr (no webhook) is sent as it is recorded.
INSERT INTO notifications
SELECT $rule, $subject, $window_key, $severity, $alert, $ingest_id, $now, $channel, $sent_at, 0, NULL
WHERE NOT EXISTS (
    SELECT 1 FROM notifications
    WHERE rule = $rule AND subject = $subject AND window_key = $window_key
)
RETURNING rule
