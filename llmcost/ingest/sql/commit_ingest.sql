-- Add the batch's counts to its run.
UPDATE ingests SET
    lines_read = lines_read + $read,
    loaded_requests = loaded_requests + $loaded_requests,
    loaded_outcomes = loaded_outcomes + $loaded_outcomes,
    duplicate = duplicate + $duplicate,
    ignored = ignored + $ignored,
    rejected = rejected + $rejected,
    conflicting = conflicting + $conflicting,
    naive_ts = naive_ts + $naive_ts,
    bytes_read = bytes_read + $bytes
WHERE ingest_id = $ingest_id;
