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
WITH ev AS (
    SELECT {{dimensions}} o.event_id, o.trace_id, o.request_id
    FROM outcomes AS o
    WHERE o.event = $event AND {{scope}}
),
keyed AS (
    SELECT ev.*, 1 AS kind, ev.trace_id AS key
    FROM ev
    WHERE ev.trace_id IS NOT NULL
    UNION ALL
    SELECT
        ev.*,
        CASE WHEN q.trace_id IS NOT NULL THEN 1 WHEN ev.request_id IS NOT NULL THEN 2 ELSE 0 END,
        coalesce(q.trace_id, ev.request_id, ev.event_id)
    FROM ev
    LEFT JOIN requests AS q ON q.request_id = ev.request_id
    WHERE ev.trace_id IS NULL
),
workflows AS (
    SELECT {{first_scope}} k.kind, k.key, count(*) AS events
    FROM keyed AS k
    GROUP BY k.kind, k.key
),
-- The calls of every workflow, aggregated straight to the workflow's scope: joining and summing
-- per scope is much cheaper than grouping ten million calls by trace first.
calls AS (
    SELECT {{workflow_scope}} q.input_tokens, q.output_tokens, {{cost}} AS cost
    FROM workflows AS w
    JOIN requests AS q ON q.trace_id = w.key
    WHERE w.kind = 1
    UNION ALL
    SELECT {{workflow_scope}} q.input_tokens, q.output_tokens, {{cost}}
    FROM workflows AS w
    JOIN requests AS q ON q.request_id = w.key
    WHERE w.kind = 2 AND q.trace_id IS NULL
),
traced AS (
    SELECT
        {{call_scope}}
        count(*) AS traced_requests,
        sum(c.cost) AS traced_cost_usd,
        count(*) FILTER (WHERE c.cost IS NULL) AS traced_unpriced_requests,
        sum(c.input_tokens) AS traced_input_tokens,
        sum(c.output_tokens) AS traced_output_tokens
    FROM calls AS c
    GROUP BY ALL
),
found AS (
    SELECT
        w.*,
        -- IN over a set holding NULL is NULL, not FALSE, for a key not in it: hence the filters
        -- and the coalesce, or an orphan would be counted as neither matched nor orphan.
        coalesce(CASE w.kind
            WHEN 1 THEN w.key IN (SELECT q.trace_id FROM requests AS q WHERE q.trace_id IS NOT NULL)
            WHEN 2 THEN w.key IN (SELECT q.request_id FROM requests AS q WHERE q.trace_id IS NULL)
        END, FALSE) AS matched
    FROM workflows AS w
),
matched AS (
    SELECT
        {{found_scope}}
        coalesce(sum(f.events) FILTER (WHERE f.matched), 0) AS traced_events,
        coalesce(sum(f.events) FILTER (WHERE NOT f.matched), 0) AS orphan_events
    FROM found AS f
    GROUP BY ALL
),
slots AS (
    SELECT
        {{matched_scope}}
        m.traced_events,
        m.orphan_events,
        coalesce(t.traced_requests, 0) AS traced_requests,
        t.traced_cost_usd,
        coalesce(t.traced_unpriced_requests, 0) AS traced_unpriced_requests,
        coalesce(t.traced_input_tokens, 0) AS traced_input_tokens,
        coalesce(t.traced_output_tokens, 0) AS traced_output_tokens
    FROM matched AS m
    LEFT JOIN traced AS t ON {{same_scope}}
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
