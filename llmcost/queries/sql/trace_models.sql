-- The models each of the given units called (for the top units only: a list per unit over every
-- trace would cost more than the ranking).
SELECT {{unit}} AS unit_id, list(DISTINCT r.model ORDER BY r.model) AS models
FROM requests AS r
WHERE {{scope}} AND {{unit}} IN (SELECT unnest(CAST($units AS VARCHAR[])))
GROUP BY {{unit}};
