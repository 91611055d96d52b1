-- Remember the identities just loaded, so no later line loads them again.
INSERT INTO {{keys}} SELECT _key FROM fresh_{{kind}};
