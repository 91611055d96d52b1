-- {rows} is a run of `(?, ...)` groups, one per line: every value is bound.
INSERT INTO invoices (file_id, line_no, day, period_start, period_end, provider, model, token_type,
                      line_item, project, amount_usd, currency)
VALUES {rows}
