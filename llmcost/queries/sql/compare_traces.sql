-- The unit a comparison resamples: one row per workflow on each side. A workflow is the calls
-- sharing a trace_id; a call without one stands alone (its request_id). {{side}} puts each call
-- on side 0, side 1 or neither (NULL). A trace with calls on both sides has a row on each.
--
-- Success events ($event) belong to the workflow they name: by trace_id, else by the trace of
-- the request they name, else that request. They are not windowed: a draft accepted just after
-- the window closed still closed a workflow that ran in it. TEMP: a reader may write it.
CREATE OR REPLACE TEMP TABLE _llmcost_compare AS
WITH calls AS (
    SELECT
        {{side}} AS side,
        coalesce(r.trace_id, r.request_id) AS unit,
        {{cost}} AS cost,
        r.input_tokens,
        r.output_tokens,
        r.outcome
    FROM requests AS r
    WHERE {{scope}}
),
traces AS (
    SELECT
        c.side,
        c.unit,
        count(*) AS requests,
        -- a known failure, as `report` counts them; 'unknown' is neither success nor failure
        count(*) FILTER (WHERE c.outcome IN ('error', 'timeout', 'rate_limited', 'cancelled')) AS failures,
        sum(c.cost) AS cost_usd,
        count(*) FILTER (WHERE c.cost IS NULL) AS unpriced_requests,
        sum(c.input_tokens) AS input_tokens,
        sum(c.output_tokens) AS output_tokens
    FROM calls AS c
    WHERE c.side IS NOT NULL
    GROUP BY c.side, c.unit
),
events AS (
    SELECT coalesce(o.trace_id, q.trace_id, o.request_id) AS unit, count(*) AS events
    FROM outcomes AS o
    LEFT JOIN requests AS q ON o.trace_id IS NULL AND q.request_id = o.request_id
    WHERE o.event = $event
    GROUP BY ALL
)
SELECT t.*, coalesce(e.events, 0) AS events
FROM traces AS t
LEFT JOIN events AS e ON e.unit = t.unit;
