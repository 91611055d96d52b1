-- Trace attribution: the cost of a success is the cost of the calls of the workflow it closed.
--
-- Each event names its workflow by its trace_id; an event with only a request_id takes that
-- request's trace (or, when the request has none, stands for that one request). An event that
-- names nothing, or names what no logged request carries, is an orphan: counted, never dropped.
-- A workflow's calls count whenever they ran (a draft accepted on Monday may close a trace that
-- started on Sunday), and a workflow with several success events is costed once, under the
-- scope of its first event, with all its events: so no call is counted twice.
WITH ev AS (
    SELECT {dimensions}o.event_id, o.ts, o.trace_id, o.request_id
    FROM outcomes AS o
    WHERE o.event = $event AND {scope}
),
keyed AS (
    SELECT ev.*, 'trace' AS kind, ev.trace_id AS key
    FROM ev
    WHERE ev.trace_id IS NOT NULL
    UNION ALL
    SELECT
        ev.*,
        CASE WHEN q.trace_id IS NOT NULL THEN 'trace' WHEN ev.request_id IS NOT NULL THEN 'request' ELSE 'none' END,
        coalesce(q.trace_id, ev.request_id, ev.event_id)
    FROM ev
    LEFT JOIN requests AS q ON q.request_id = ev.request_id
    WHERE ev.trace_id IS NULL
),
workflows AS (
    SELECT {first_scope}k.kind, k.key, count(*) AS events
    FROM keyed AS k
    GROUP BY k.kind, k.key
),
calls AS (
    SELECT 'trace' AS kind, q.trace_id AS key, {cost} AS cost, q.input_tokens, q.output_tokens
    FROM requests AS q
    WHERE q.trace_id IN (SELECT w.key FROM workflows AS w WHERE w.kind = 'trace')
    UNION ALL
    SELECT 'request', q.request_id, {cost}, q.input_tokens, q.output_tokens
    FROM requests AS q
    WHERE q.trace_id IS NULL
      AND q.request_id IN (SELECT w.key FROM workflows AS w WHERE w.kind = 'request')
),
costed AS (
    SELECT
        c.kind,
        c.key,
        count(*) AS requests,
        sum(c.cost) AS cost_usd,
        count(*) FILTER (WHERE c.cost IS NULL) AS unpriced_requests,
        sum(c.input_tokens) AS input_tokens,
        sum(c.output_tokens) AS output_tokens
    FROM calls AS c
    GROUP BY c.kind, c.key
)
SELECT
    {scope_columns}
    coalesce(sum(w.events) FILTER (WHERE c.requests IS NOT NULL), 0) AS traced_events,
    coalesce(sum(w.events) FILTER (WHERE c.requests IS NULL), 0) AS orphan_events,
    coalesce(sum(c.requests), 0) AS traced_requests,
    sum(c.cost_usd) AS traced_cost_usd,
    coalesce(sum(c.unpriced_requests), 0) AS traced_unpriced_requests,
    coalesce(sum(c.input_tokens), 0) AS traced_input_tokens,
    coalesce(sum(c.output_tokens), 0) AS traced_output_tokens
FROM workflows AS w
LEFT JOIN costed AS c ON c.kind = w.kind AND c.key = w.key
GROUP BY ALL;
