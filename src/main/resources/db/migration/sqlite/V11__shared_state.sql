-- State every node of a cluster shares through the database (SPEC section 10). Written to be valid on SQLite and
-- PostgreSQL alike: BIGINT instants in epoch milliseconds, one-row tables keyed by id = 1, upserts by primary key.

-- The injected faults of SPEC section 9, read by every node (each keeps its own seeded generator). version rises
-- with every POST /sim/faults, so a node sees that the faults were set again, even to the same values, and
-- re-seeds its generator as the node that was asked does. No row means no faults.
CREATE TABLE simulated_faults (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    version             BIGINT NOT NULL,
    transport_fail_rate DOUBLE PRECISION NOT NULL,
    transport_status    INTEGER NOT NULL,
    transport_delay_ms  BIGINT NOT NULL,
    upstream_fail_rate  DOUBLE PRECISION NOT NULL,
    upstream_status     INTEGER NOT NULL,
    upstream_delay_ms   BIGINT NOT NULL
);

-- The certificates the database was created with, as the SHA-256 of their DER (SPEC section 10: a node refuses to
-- start when its certs are not those). Recorded by the first node to start, or the first start after this
-- migration; name is the certificate's file in the certs dir: ca.pem, product-ca.pem, signing.pem.
CREATE TABLE certificate_pin (
    name        VARCHAR(40) PRIMARY KEY,
    sha256      VARCHAR(64) NOT NULL,
    recorded_at BIGINT NOT NULL
);

-- Named leases and locks between the nodes of one database. A lease (connected sync's "connected-sync": one node
-- syncs per interval) belongs to holder until expires_at, wall-clock epoch milliseconds; it is taken by one
-- conditional upsert, which succeeds only when the lease has expired or is the taker's already. A lock
-- ("first-start") is a row a transaction upserts first, so it holds the row's lock until it commits and the
-- same work on another node waits for it and then sees its result.
CREATE TABLE node_lease (
    name       VARCHAR(40) PRIMARY KEY,
    holder     VARCHAR(100) NOT NULL,
    expires_at BIGINT NOT NULL
);

-- The node sending an outbox mail claims it first (SPEC section 10: each mail is sent once, whichever nodes look at
-- the outbox): until claimed_until (wall clock ms) no other node takes it, and it is not due before then either,
-- so the mail of a node that died while sending is sent by another once the claim has run out.
ALTER TABLE mail_outbox ADD COLUMN claimed_until BIGINT;
