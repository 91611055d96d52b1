-- Whether the window holds any request at all, whatever the filters: an empty window is said
-- with the data's range (queries/extent.py); a window emptied by the filters is said otherwise.
SELECT count(*) > 0
FROM (
    SELECT 1
    FROM requests AS r
    WHERE {{window}}
    LIMIT 1
);
