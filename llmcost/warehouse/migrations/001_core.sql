-- Canonical tables. Token semantics follow OpenTelemetry GenAI and genai-prices:
-- input_tokens is ALL input (cache reads and writes included); cached_input_tokens,
-- cache_write_tokens and cache_write_1h_tokens are subsets of it; reasoning_tokens is a
-- subset of output_tokens. Money is DECIMAL; NULL cost_usd means "unpriced", never $0.

-- `requests` and `outcomes` are views over Parquet segment files (see segments below and
-- llmcost/warehouse/segments.py): writing Parquet costs about half of writing a persistent
-- DuckDB table, and the segments are readable by any engine. These empty tables hold the
-- canonical column types; the views are rebuilt whenever the set of segments changes.
CREATE TABLE requests_columns (
    request_id            VARCHAR NOT NULL,
    ts                    TIMESTAMPTZ NOT NULL,
    trace_id              VARCHAR,
    tenant_id             VARCHAR,
    user_id               VARCHAR,
    feature               VARCHAR,
    provider              VARCHAR,
    model                 VARCHAR NOT NULL,
    operation             VARCHAR NOT NULL,
    input_tokens          BIGINT NOT NULL,
    cached_input_tokens   BIGINT NOT NULL,
    cache_write_tokens    BIGINT NOT NULL,
    cache_write_1h_tokens BIGINT NOT NULL,
    output_tokens         BIGINT NOT NULL,
    reasoning_tokens      BIGINT NOT NULL,
    latency_ms            BIGINT,
    outcome               VARCHAR NOT NULL,
    cache_hit             BOOLEAN NOT NULL,
    logged_cost_usd       DECIMAL(18, 9),
    cost_usd              DECIMAL(18, 9),
    price_ref             VARCHAR,
    prompt_version        VARCHAR,
    service_tier          VARCHAR,
    naive_ts              BOOLEAN NOT NULL,
    attrs                 JSON,
    source_id             INTEGER NOT NULL,
    source_offset         BIGINT NOT NULL,
    source_line           BIGINT NOT NULL,
    ingest_id             INTEGER NOT NULL
);

CREATE TABLE outcomes_columns (
    event_id      VARCHAR NOT NULL,
    ts            TIMESTAMPTZ NOT NULL,
    event         VARCHAR NOT NULL,
    request_id    VARCHAR,
    trace_id      VARCHAR,
    tenant_id     VARCHAR,
    feature       VARCHAR,
    user_id       VARCHAR,
    value         DOUBLE,
    naive_ts      BOOLEAN NOT NULL,
    attrs         JSON,
    source_id     INTEGER NOT NULL,
    source_offset BIGINT NOT NULL,
    source_line   BIGINT NOT NULL,
    ingest_id     INTEGER NOT NULL
);

-- One row per distinct input stream, identified by its content (head fingerprint), not its
-- path: a renamed, rotated or re-compressed copy resumes from committed_offset.
CREATE TABLE sources (
    source_id        INTEGER NOT NULL,
    head_fp          VARCHAR NOT NULL,
    tail_fp          VARCHAR NOT NULL,
    path             VARCHAR NOT NULL,
    format           VARCHAR,
    committed_offset BIGINT NOT NULL,
    committed_lines  BIGINT NOT NULL,
    pending_bytes    BIGINT NOT NULL,
    lines_read       BIGINT NOT NULL,
    loaded           BIGINT NOT NULL,
    duplicate        BIGINT NOT NULL,
    ignored          BIGINT NOT NULL,
    rejected         BIGINT NOT NULL,
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    last_ingest_id   INTEGER NOT NULL
);

CREATE TABLE segments (
    segment_id INTEGER NOT NULL,
    kind       VARCHAR NOT NULL,      -- requests | outcomes
    file       VARCHAR NOT NULL,      -- relative to the warehouse's segment directory
    rows       BIGINT NOT NULL,
    min_ts     TIMESTAMPTZ,
    max_ts     TIMESTAMPTZ,
    ingest_id  INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- md5 of each loaded record's identity (request_id / event_id): the anti-join that keeps a
-- record from being counted twice runs against these 16-byte keys, not the Parquet files.
CREATE TABLE request_keys (key UHUGEINT NOT NULL);
CREATE TABLE outcome_keys (key UHUGEINT NOT NULL);

CREATE TABLE rejects (
    ingest_id   INTEGER NOT NULL,
    source_id   INTEGER,
    path        VARCHAR NOT NULL,
    line_no     BIGINT NOT NULL,
    byte_offset BIGINT NOT NULL,
    reason      VARCHAR NOT NULL,
    detail      VARCHAR,
    raw         VARCHAR,
    raw_bytes   BIGINT NOT NULL
);

-- A request_id seen again with different content: the first loaded row wins (books already
-- reported do not change under the reader); every later variant is kept here, counted as a
-- duplicate, and shown by `llmcost status` and every report.
CREATE TABLE conflicts (
    ingest_id    INTEGER NOT NULL,
    kind         VARCHAR NOT NULL,
    record_id    VARCHAR NOT NULL,
    source_id    INTEGER,
    path         VARCHAR NOT NULL,
    line_no      BIGINT NOT NULL,
    byte_offset  BIGINT NOT NULL,
    raw          VARCHAR
);

CREATE TABLE ingests (
    ingest_id       INTEGER NOT NULL,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    status          VARCHAR NOT NULL,
    argv            VARCHAR,
    files           BIGINT NOT NULL,
    lines_read      BIGINT NOT NULL,
    loaded_requests BIGINT NOT NULL,
    loaded_outcomes BIGINT NOT NULL,
    duplicate       BIGINT NOT NULL,
    ignored         BIGINT NOT NULL,
    rejected        BIGINT NOT NULL,
    conflicting     BIGINT NOT NULL,
    naive_ts        BIGINT NOT NULL,
    bytes_read      BIGINT NOT NULL
);

-- Ignored lines are counted by event name so a user can see which names they might want to
-- declare as outcome events (`llmcost status`).
CREATE TABLE ignored_events (
    event VARCHAR NOT NULL,
    lines BIGINT NOT NULL
);

CREATE TABLE warehouse_meta (key VARCHAR NOT NULL, value VARCHAR);

CREATE VIEW requests AS SELECT * FROM requests_columns;
CREATE VIEW outcomes AS SELECT * FROM outcomes_columns;
