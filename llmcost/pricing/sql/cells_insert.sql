INSERT INTO _llmcost_price_cells VALUES (
    ?, ?, ?,
    coalesce(CAST(? AS TIMESTAMPTZ), CAST('-infinity' AS TIMESTAMPTZ)),
    coalesce(CAST(? AS TIMESTAMPTZ), CAST('infinity' AS TIMESTAMPTZ)),
    ?, ?, ?, ?,
    ?, ?, ?, ?, ?, ?, ?,
    ?, ?, ?
);
