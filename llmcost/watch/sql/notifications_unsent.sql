-- What the webhook has not taken yet, oldest first.
SELECT rule, subject, window_key, alert
FROM notifications
WHERE sent_at IS NULL
ORDER BY found_at, rule, subject, window_key
