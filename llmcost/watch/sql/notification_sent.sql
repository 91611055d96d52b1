UPDATE notifications
SET sent_at = $now, attempts = attempts + 1, last_error = NULL
WHERE rule = $rule AND subject = $subject AND window_key = $window_key AND sent_at IS NULL
