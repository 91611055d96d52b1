-- A kind's view: its typed base table and, when it has any, its Parquet segments.
CREATE OR REPLACE {{scope}}VIEW {{kind}} AS SELECT * FROM {{kind}}_columns{{segments}};
