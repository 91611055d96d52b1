-- Workflows with calls on both sides (a trace that spans the deploy, or that called both
-- versions): each side counts its own calls of them, and their success events on both.
SELECT count(*) AS split_traces
FROM (
    SELECT t.unit
    FROM _llmcost_compare AS t
    GROUP BY t.unit
    HAVING count(DISTINCT t.side) > 1
);
