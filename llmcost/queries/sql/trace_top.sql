-- The costliest units of trace_units (most calls first among equals, then by id: a stable order).
SELECT unit_id, feature, calls, tokens, cost, first_ts, last_ts
FROM trace_units
ORDER BY cost DESC NULLS LAST, calls DESC, unit_id
LIMIT $top;
