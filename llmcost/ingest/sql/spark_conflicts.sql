-- `ingest --engine spark`: the duplicates (spark_dups: the rows of a kind not marked fresh) whose
-- content differs from the record that was kept, this run's or already in the warehouse; as
-- conflicts.sql decides it for one batch. The holes are our own names; nothing is bound.
CREATE OR REPLACE TEMP TABLE spark_conflicts_{{kind}} AS
WITH dups AS (
    SELECT * FROM spark_dups_{{kind}}
),
kept AS (
    SELECT {{id}}, {{cols}} FROM {{fresh}} WHERE {{id}} IN (SELECT {{id}} FROM dups)
    UNION ALL
    SELECT {{id}}, {{cols}} FROM {{kind}} WHERE {{id}} IN (SELECT {{id}} FROM dups)
)
SELECT DISTINCT d.{{id}} AS record_id, d.file_idx, d.source_id, d.source_line, d.source_offset
FROM dups d JOIN kept k ON d.{{id}} = k.{{id}}
WHERE {{differs}};
