-- One row per trace (or, with --by session, per session) whose calls fall in the scope: what
-- `llmcost traces` ranks and summarises. A unit's tenant, feature and session are those of its
-- first call (they agree unless the app logged otherwise); `failed` counts calls whose outcome is
-- not success; cost sums the priced calls, and `unpriced` says how many were not (never $0).
-- Duration runs from the first call's timestamp to the last one's. Calls with no id of the unit
-- are left out (the caller counts them).
CREATE OR REPLACE TEMP TABLE trace_units AS
SELECT
    {{unit}} AS unit_id,
    arg_min(r.tenant_id, r.ts) AS tenant_id,
    arg_min(r.feature, r.ts) AS feature,
    arg_min(r.session_id, r.ts) AS session_id,
    arg_min(r.trace_id, r.ts) AS trace_id,
    {{traces}} AS traces,
    count(*) AS calls,
    sum(r.input_tokens + r.output_tokens) AS tokens,
    sum({{cost}}) AS cost,
    count(*) FILTER (WHERE {{cost}} IS NULL) AS unpriced,
    count(*) FILTER (WHERE r.outcome <> 'success') AS failed,
    min(r.ts) AS first_ts,
    max(r.ts) AS last_ts
FROM requests AS r
WHERE {{scope}} AND {{unit}} IS NOT NULL
GROUP BY {{unit}};
