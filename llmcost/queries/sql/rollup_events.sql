-- The outcome events of the dashboard's window and filters in one scan, counted per time slot,
-- event and feature into a TEMP table (see rollup_create.sql): the unit series' denominators
-- (rollup_unit_events.sql) and the list of series (rollup_outcomes.sql) sum it.
CREATE OR REPLACE TEMP TABLE {{table}} AS
WITH cells AS (
    SELECT
        {{slot}} AS slot,
        o.event,
        o.feature,
        count(*) AS events,
        count(*) FILTER (WHERE o.naive_ts) AS naive_timestamps
    FROM outcomes AS o
    WHERE {{scope}}
    GROUP BY ALL
)
SELECT {{slot_start}} AS ts, * EXCLUDE (slot)
FROM cells AS c;
