-- Provider invoices for reconciliation. A file is identified by the sha256 of its bytes, so
-- importing the same export twice adds nothing; its lines and its row here commit together.
CREATE TABLE invoice_files (
    file_id     INTEGER NOT NULL PRIMARY KEY,
    sha256      VARCHAR NOT NULL UNIQUE,
    path        VARCHAR NOT NULL,
    format      VARCHAR NOT NULL,     -- openai-costs | openai-csv | anthropic-cost-report | focus | plain
    lines       BIGINT NOT NULL,
    amount_usd  DECIMAL(18, 9) NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);

-- One billed line: a UTC day's amount for a provider, a model as billed (dated snapshots and
-- aliases kept as written) and, where the export has it, a token type. Money is exact: USD
-- at the nano-dollar scale of requests.cost_usd.
CREATE TABLE invoices (
    file_id      INTEGER NOT NULL,
    line_no      BIGINT NOT NULL,      -- row or item in the file, as named in its error messages
    day          DATE NOT NULL,        -- UTC day the billing bucket starts on
    period_start TIMESTAMPTZ,
    period_end   TIMESTAMPTZ,
    provider     VARCHAR NOT NULL,
    model        VARCHAR,
    token_type   VARCHAR,              -- input | output | cache_read | cache_write_5m | cache_write_1h | other
    line_item    VARCHAR,              -- the export's own description of the line
    project      VARCHAR,
    amount_usd   DECIMAL(18, 9) NOT NULL,
    currency     VARCHAR NOT NULL
);
