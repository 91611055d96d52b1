-- `ingest --engine spark`: the canonical columns of a kind, typed, as the Spark tasks hand them
-- over (attrs as plain text, as segments keep it).
SELECT * REPLACE (CAST(attrs AS VARCHAR) AS attrs) FROM {{kind}}_columns LIMIT 0;
