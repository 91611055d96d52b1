SELECT file_id, format, lines, amount_usd FROM invoice_files WHERE sha256 = $sha256
