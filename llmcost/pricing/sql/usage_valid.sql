-- Token counts that obey the canonical semantics (cache reads and writes inside input, the 1h
-- writes inside all writes, reasoning inside output) and a sanity bound of 1e9 tokens a call,
-- which also keeps every cost inside DECIMAL(18, 9). A row failing this is left unpriced and
-- counted as inconsistent rather than given a wrong or negative cost.
(
    r.cached_input_tokens >= 0
    AND r.cache_write_1h_tokens >= 0
    AND r.reasoning_tokens >= 0
    AND r.cache_write_tokens >= r.cache_write_1h_tokens
    AND r.input_tokens >= r.cached_input_tokens + r.cache_write_tokens
    AND r.output_tokens >= r.reasoning_tokens
    AND r.input_tokens <= 1000000000
    AND r.output_tokens <= 1000000000
)
