-- The resolved prices of the keys in one batch, as integers: rates in atto-USD (1e-18) per
-- token and per request, the discount as numerator/denominator. Integer (HUGEINT) arithmetic
-- is exact and an order of magnitude faster in DuckDB than rescaling wide DECIMALs per row.
-- Columns are prefixed so a caller's WHERE clause on the priced table never becomes ambiguous.
CREATE OR REPLACE TEMP TABLE _llmcost_price_cells (
    c_provider        VARCHAR,
    c_model           VARCHAR NOT NULL,
    c_service_tier    VARCHAR,
    c_from            TIMESTAMPTZ NOT NULL,
    c_until           TIMESTAMPTZ NOT NULL,
    c_tod_from        BIGINT NOT NULL,
    c_tod_until       BIGINT NOT NULL,
    c_above           BIGINT NOT NULL,
    c_upto            BIGINT NOT NULL,
    c_input           HUGEINT NOT NULL,
    c_cache_read      HUGEINT NOT NULL,
    c_cache_write_5m  HUGEINT NOT NULL,
    c_cache_write_1h  HUGEINT NOT NULL,
    c_output          HUGEINT NOT NULL,
    c_reasoning       HUGEINT NOT NULL,
    c_per_request     HUGEINT NOT NULL,
    c_num             HUGEINT NOT NULL,
    c_den             HUGEINT NOT NULL,
    c_ref             VARCHAR NOT NULL
);
