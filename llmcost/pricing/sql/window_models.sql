SELECT DISTINCT r.provider, r.model FROM requests AS r WHERE ({{where}});
