-- Every price a derived cost can point to: requests.price_ref is this table's key, so a cost is
-- always explained by the exact numbers it used. Rates are USD per 1M tokens (a class with no
-- rate of its own already carries its parent's, as priced); per_request is USD per request.
CREATE TABLE prices (
    price_ref           VARCHAR PRIMARY KEY,
    source              VARCHAR NOT NULL,   -- genai-prices | rate
    origin              VARCHAR NOT NULL,   -- provider/model id in the catalog, or the rate's name and file
    qualifiers          VARCHAR,            -- period, time of day, context tier, service tier, conventions
    catalog             VARCHAR NOT NULL,   -- genai-prices version and snapshot date in force
    input_mtok          DECIMAL(38, 12) NOT NULL,
    cached_input_mtok   DECIMAL(38, 12) NOT NULL,
    cache_write_5m_mtok DECIMAL(38, 12) NOT NULL,
    cache_write_1h_mtok DECIMAL(38, 12) NOT NULL,
    output_mtok         DECIMAL(38, 12) NOT NULL,
    reasoning_mtok      DECIMAL(38, 12) NOT NULL,
    per_request_usd     DECIMAL(38, 18) NOT NULL,
    discount_percent    DECIMAL(9, 4) NOT NULL,
    discount_name       VARCHAR,
    recorded_at         TIMESTAMPTZ NOT NULL
);
