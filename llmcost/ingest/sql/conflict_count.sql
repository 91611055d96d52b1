SELECT count(*) FROM conflicts_{{kind}};
