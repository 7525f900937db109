-- Every signed device request records its nonce. As a rowid table, transport_nonce wrote three b-trees for each: the
-- rows in rowid order, the (scope, nonce) key that refuses a replay, and the expiry index. Keyed by (scope, nonce)
-- itself, the key is where the row lives: two b-trees, one page fewer for the writer at each group commit. Same
-- columns, same key, same answers.
CREATE TABLE transport_nonce_keyed (
    scope      VARCHAR(250) NOT NULL,
    nonce      VARCHAR(64) NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (scope, nonce)
) WITHOUT ROWID;
INSERT INTO transport_nonce_keyed (scope, nonce, expires_at) SELECT scope, nonce, expires_at FROM transport_nonce;
DROP TABLE transport_nonce;
ALTER TABLE transport_nonce_keyed RENAME TO transport_nonce;
CREATE INDEX transport_nonce_expiry ON transport_nonce (expires_at);
