SELECT count(*) FROM requests AS r WHERE ({{where}});
