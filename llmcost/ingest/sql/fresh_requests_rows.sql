-- `--explain`: the canonical (and priced) request rows.
SELECT * FROM fresh_requests;
