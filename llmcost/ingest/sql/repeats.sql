-- Ids repeated inside the batch (of one kind, $label): only then is the first sighting picked out.
SELECT count(*) - count(DISTINCT record_id) FROM staged WHERE kind = $label;
