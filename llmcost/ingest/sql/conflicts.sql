-- Duplicates whose content differs from the record that was kept, in this batch or already in
-- the warehouse. Rare path: it reads the warehouse only for the ids repeated.
CREATE OR REPLACE TEMP TABLE conflicts_{{kind}} AS
WITH dups AS (
    {{select}}
    FROM staged
    WHERE kind = $label AND line_no NOT IN (SELECT source_line FROM fresh_{{kind}})
),
kept AS (
    SELECT {{id}}, {{cols}} FROM fresh_{{kind}} WHERE {{id}} IN (SELECT {{id}} FROM dups)
    UNION ALL
    SELECT {{id}}, {{cols}} FROM {{kind}} WHERE {{id}} IN (SELECT {{id}} FROM dups)
)
SELECT DISTINCT d.{{id}} AS record_id, d.source_line, d.source_offset
FROM dups d JOIN kept k ON d.{{id}} = k.{{id}}
WHERE {{differs}};
