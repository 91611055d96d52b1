SELECT max(i.day) FROM invoices AS i WHERE $all_files OR list_contains($file_ids, i.file_id)
