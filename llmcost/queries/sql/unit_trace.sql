-- Trace attribution: the cost of a success is the cost of the calls of the workflow it closed.
--
-- Each event names its workflow by its trace_id (kind 1); an event with only a request_id takes
-- that request's trace, or, when the request has none, stands for that one request (kind 2). An
-- event that names nothing (kind 0), or names what no logged request carries, is an orphan:
-- counted, never dropped. A workflow's calls count whenever they ran (a draft accepted on Monday
-- may close a trace that started on Sunday). A workflow with several success events is costed
-- once, with all its events, under one scope: the earliest time slot, and for tenant / feature /
-- user the smallest value (they agree unless the events themselves disagree). So no call is
-- counted twice, and the result does not depend on the order rows are read in.
-- The events are read twice, once per branch (with a trace, without one), instead of once into a
-- shared CTE: DuckDB would copy every event's string columns into a buffer for the two readers,
-- which at 7M events costs more CPU than the second scan (it reads little past trace_id IS NULL).
WITH keyed AS (
    SELECT {{dimensions}} 1 AS kind, o.trace_id AS key
    FROM outcomes AS o
    WHERE o.event = $event AND {{scope}} AND o.trace_id IS NOT NULL
    UNION ALL
    SELECT
        {{dimensions}}
        CASE WHEN q.trace_id IS NOT NULL THEN 1 WHEN o.request_id IS NOT NULL THEN 2 ELSE 0 END,
        coalesce(q.trace_id, o.request_id, o.event_id)
    FROM outcomes AS o
    LEFT JOIN requests AS q ON q.request_id = o.request_id
    WHERE o.event = $event AND {{scope}} AND o.trace_id IS NULL
),
workflows AS (
    SELECT {{first_scope}} k.kind, k.key, count(*) AS events
    FROM keyed AS k
    GROUP BY k.kind, k.key
),
-- Every workflow with its calls, in one outer join to the requests: a workflow no logged call
-- carries comes out once, with no call (`found` false), and is an orphan; the calls of the others
-- are summed straight to the workflow's scope (grouping ten million calls by trace first, or a
-- second pass over every logged trace and request id to find the orphans, costs far more).
calls AS (
    -- `found` tests the join key itself: no other column of ten million calls is read for it
    SELECT {{workflow_scope}} w.events, q.trace_id IS NOT NULL AS found, q.input_tokens, q.output_tokens,
        {{cost}} AS cost
    FROM workflows AS w
    LEFT JOIN requests AS q ON q.trace_id = w.key
    WHERE w.kind = 1
    UNION ALL
    SELECT {{workflow_scope}} w.events, q.request_id IS NOT NULL, q.input_tokens, q.output_tokens, {{cost}}
    FROM workflows AS w
    LEFT JOIN requests AS q ON q.request_id = w.key AND q.trace_id IS NULL
    WHERE w.kind = 2
    UNION ALL
    SELECT {{workflow_scope}} w.events, FALSE, NULL, NULL, NULL
    FROM workflows AS w
    WHERE w.kind = 0
),
traced AS (
    SELECT
        {{call_scope}}
        coalesce(sum(c.events) FILTER (WHERE NOT c.found), 0) AS orphan_events,
        count(*) FILTER (WHERE c.found) AS traced_requests,
        sum(c.cost) AS traced_cost_usd,
        count(*) FILTER (WHERE c.found AND c.cost IS NULL) AS traced_unpriced_requests,
        coalesce(sum(c.input_tokens), 0) AS traced_input_tokens,
        coalesce(sum(c.output_tokens), 0) AS traced_output_tokens
    FROM calls AS c
    GROUP BY ALL
),
-- Every event of a workflow is matched or an orphan: the matched ones are the rest.
events AS (
    SELECT {{found_scope}} sum(w.events) AS events
    FROM workflows AS w
    GROUP BY ALL
),
slots AS (
    SELECT
        {{matched_scope}}
        e.events - t.orphan_events AS traced_events,
        t.orphan_events,
        t.traced_requests,
        t.traced_cost_usd,
        t.traced_unpriced_requests,
        t.traced_input_tokens,
        t.traced_output_tokens
    FROM events AS e
    JOIN traced AS t ON {{same_scope}}
)
SELECT
    {{buckets}}
    sum(s.traced_events) AS traced_events,
    sum(s.orphan_events) AS orphan_events,
    sum(s.traced_requests) AS traced_requests,
    sum(s.traced_cost_usd) AS traced_cost_usd,
    sum(s.traced_unpriced_requests) AS traced_unpriced_requests,
    sum(s.traced_input_tokens) AS traced_input_tokens,
    sum(s.traced_output_tokens) AS traced_output_tokens
FROM slots AS s
GROUP BY ALL;
