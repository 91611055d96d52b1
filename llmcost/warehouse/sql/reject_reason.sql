-- Rejected lines of one reason.
reason = $reason
