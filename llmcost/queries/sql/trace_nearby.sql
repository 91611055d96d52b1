-- Ids like one that matched nothing (a typo, a cut-off paste): the closest few, for the error's hint.
SELECT id
FROM (SELECT DISTINCT {{unit}} AS id FROM requests AS r WHERE {{unit}} IS NOT NULL)
WHERE jaro_winkler_similarity(lower(id), lower($id)) >= 0.8 OR contains(lower(id), lower($id))
ORDER BY jaro_winkler_similarity(lower(id), lower($id)) DESC, id
LIMIT 3;
