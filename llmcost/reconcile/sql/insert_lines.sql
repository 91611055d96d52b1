-- One statement per chunk of invoice lines: each parameter is a list with one value per line, and the
-- unnests in one SELECT walk those lists side by side (row i takes the i-th value of every list).
INSERT INTO invoices (file_id, line_no, day, period_start, period_end, provider, model, token_type,
                      line_item, project, amount_usd, currency)
SELECT $file_id, unnest($line_no), unnest($day), unnest($period_start), unnest($period_end),
       unnest($provider), unnest($model), unnest($token_type), unnest($line_item), unnest($project),
       unnest($amount_usd)::DECIMAL(18, 9), unnest($currency)
