-- Calls in the scope without the unit's id: not in any trace (or session), so not ranked.
SELECT count(*) FROM requests AS r WHERE {{scope}} AND {{unit}} IS NULL;
