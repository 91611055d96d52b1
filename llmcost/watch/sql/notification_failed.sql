UPDATE notifications
SET attempts = attempts + 1, last_error = $error
WHERE rule = $rule AND subject = $subject AND window_key = $window_key AND sent_at IS NULL
