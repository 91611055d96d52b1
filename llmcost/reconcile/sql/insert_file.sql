INSERT INTO invoice_files (file_id, sha256, path, format, lines, amount_usd, imported_at)
VALUES ($file_id, $sha256, $path, $format, $lines, $amount_usd, now())
