-- Ids loaded once and seen again with different content (the first loaded row is the one
-- counted), for the records in the window: a conflict is dated by the row that was kept.
SELECT count(*) AS conflicting
FROM conflicts AS c
WHERE (c.kind = 'requests' AND c.record_id IN (SELECT r.request_id FROM requests AS r WHERE {{requests_window}}))
   OR (c.kind = 'outcomes' AND c.record_id IN (SELECT o.event_id FROM outcomes AS o WHERE {{outcomes_window}}));
