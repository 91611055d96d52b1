-- One row per trace (or, with --by session, per session) whose calls fall in the scope: what
-- `llmcost traces` ranks and summarises. Only what the distribution and the ranking need is
-- aggregated here (every extra aggregate over millions of traces costs as much as the GROUP BY);
-- trace_details.sql adds the rest for the few units shown. A unit's feature is the smallest of its
-- calls' (they agree unless the app logged otherwise). Cost sums the priced calls (NULL when none
-- were: never $0). Duration runs from the first call's timestamp to the last one's. Calls with no
-- id of the unit are left out (trace_untraced.sql counts them).
CREATE OR REPLACE TEMP TABLE trace_units AS
SELECT
    {{unit}} AS unit_id,
    min(r.feature) AS feature,
    count(*) AS calls,
    sum(r.input_tokens + r.output_tokens) AS tokens,
    sum({{cost}}) AS cost,
    min(r.ts) AS first_ts,
    max(r.ts) AS last_ts
FROM requests AS r
WHERE {{scope}} AND {{unit}} IS NOT NULL
GROUP BY {{unit}};
