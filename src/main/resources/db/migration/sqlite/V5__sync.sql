-- Synchronization with the upstream (SPEC section 8): where a satellite's exchange stands, and on the
-- upstream (role cssm) what it knows of each satellite that synchronized with it.

-- Satellite side: one row, made at the first start, holding the satellite's stable identity.
-- Sequences start at 0; local license transfers (license_transfer rows) with an id up to
-- transfers_acknowledged are known to have reached the upstream, the rest travel with the next request.
CREATE TABLE sync_state (
    id                     INTEGER PRIMARY KEY CHECK (id = 1),
    satellite_id           VARCHAR(36) NOT NULL,
    last_sequence_issued   BIGINT NOT NULL DEFAULT 0,
    last_sequence_applied  BIGINT NOT NULL DEFAULT 0,
    last_applied_digest    VARCHAR(64),           -- SHA-256 of the payload applied last: its re-import is harmless
    transfers_acknowledged BIGINT NOT NULL DEFAULT 0,
    last_success           BIGINT,
    last_failure           BIGINT,
    last_failure_reason    VARCHAR(2000)
);

-- Upstream side: each satellite heard from, pinned to the certificate of its first request.
-- transfers_applied is the highest of the satellite's transfer ids applied to the upstream's pools, so
-- a transfer is applied once however often a request carrying it is processed.
CREATE TABLE satellite (
    id                 INTEGER PRIMARY KEY,
    satellite_id       VARCHAR(36) NOT NULL UNIQUE,
    account_id         BIGINT NOT NULL REFERENCES smart_account (id),
    certificate_pem    TEXT NOT NULL,
    certificate_sha256 VARCHAR(64) NOT NULL,
    first_seen         BIGINT NOT NULL,
    last_seen          BIGINT NOT NULL,
    last_sequence      BIGINT NOT NULL,
    transfers_applied  BIGINT NOT NULL DEFAULT 0
);

-- What the satellite's latest request reported: its product instances (reservations included, with
-- registration_status RESERVED) and per pool usage. Replaced as a whole by each newer request.
CREATE TABLE satellite_instance (
    satellite_row        BIGINT NOT NULL REFERENCES satellite (id) ON DELETE CASCADE,
    virtual_account_id   BIGINT NOT NULL REFERENCES virtual_account (id),
    piid                 VARCHAR(36) NOT NULL,
    udi_pid              VARCHAR(100) NOT NULL,
    udi_serial           VARCHAR(100) NOT NULL,
    hostname             VARCHAR(255),
    registration_status  VARCHAR(30) NOT NULL,
    authorization_status VARCHAR(30) NOT NULL,
    last_contact         BIGINT,
    license_usage        TEXT NOT NULL,           -- JSON array [{"entitlementTag","quantity","status"}]
    PRIMARY KEY (satellite_row, piid)
);
CREATE INDEX satellite_instance_va ON satellite_instance (satellite_row, virtual_account_id);

CREATE TABLE satellite_usage (
    satellite_row      BIGINT NOT NULL REFERENCES satellite (id) ON DELETE CASCADE,
    virtual_account_id BIGINT NOT NULL REFERENCES virtual_account (id),
    entitlement_tag    VARCHAR(300) NOT NULL,
    in_use             BIGINT NOT NULL,
    reserved           BIGINT NOT NULL,
    PRIMARY KEY (satellite_row, virtual_account_id, entitlement_tag)
);
CREATE INDEX satellite_usage_va ON satellite_usage (virtual_account_id, entitlement_tag);
