-- Product instances registered over /SmartTransport, their license usage, revoked ID certificates and
-- the nonces of the replay window. Expiry instants are stored, so lapse filters are plain range
-- conditions: an instance counts while both registration and authorization are unexpired.

CREATE TABLE product_instance (
    id                       INTEGER PRIMARY KEY,
    piid                     VARCHAR(36) NOT NULL UNIQUE,
    virtual_account_id       BIGINT NOT NULL REFERENCES virtual_account (id),
    udi_pid                  VARCHAR(100) NOT NULL,
    udi_serial               VARCHAR(100) NOT NULL,
    udi_uuid                 VARCHAR(100),
    hostname                 VARCHAR(255),
    software_tag             VARCHAR(300),
    export_controlled        SMALLINT NOT NULL,
    registered_at            BIGINT NOT NULL,
    last_contact_at          BIGINT NOT NULL,
    cert_serial              VARCHAR(64) NOT NULL,
    cert_public_key          VARCHAR(400) NOT NULL,  -- base64 SubjectPublicKeyInfo of the current ID certificate
    cert_issued_at           BIGINT NOT NULL,
    registration_expires_at  BIGINT NOT NULL,         -- last certificate + 365 days
    last_auth_at             BIGINT,
    authorization_expires_at BIGINT,                  -- last AUTH_REQUEST + 90 days
    authorization_status     VARCHAR(30),             -- as the last AUTH_REQUEST answered it
    UNIQUE (udi_pid, udi_serial)
);
CREATE INDEX product_instance_va ON product_instance (virtual_account_id, registered_at);
CREATE INDEX product_instance_cert ON product_instance (cert_serial);

-- What each instance last reported, one row per entitlement tag. live_until is when it stops counting
-- (the earlier of its registration and authorization expiry).
CREATE TABLE instance_usage (
    instance_id         BIGINT NOT NULL REFERENCES product_instance (id) ON DELETE CASCADE,
    virtual_account_id  BIGINT NOT NULL REFERENCES virtual_account (id),
    entitlement_tag     VARCHAR(300) NOT NULL,
    count               BIGINT NOT NULL,
    first_authorized_at BIGINT NOT NULL,
    live_until          BIGINT NOT NULL,
    status              VARCHAR(30) NOT NULL,
    PRIMARY KEY (instance_id, entitlement_tag)
);
CREATE INDEX instance_usage_live ON instance_usage (virtual_account_id, entitlement_tag, live_until, count);
CREATE INDEX instance_usage_rank ON instance_usage (virtual_account_id, entitlement_tag, first_authorized_at, instance_id);

-- Running totals of live usage per pool, so an authorization does not sum every instance. A total is
-- exact while the clock is in [computed_at, next_lapse_at); outside that it is recomputed.
CREATE TABLE pool_usage (
    virtual_account_id BIGINT NOT NULL REFERENCES virtual_account (id),
    entitlement_tag    VARCHAR(300) NOT NULL,
    in_use             BIGINT NOT NULL,
    next_lapse_at      BIGINT NOT NULL,
    computed_at        BIGINT NOT NULL,
    PRIMARY KEY (virtual_account_id, entitlement_tag)
);

CREATE TABLE revoked_certificate (
    serial      VARCHAR(64) PRIMARY KEY,
    piid        VARCHAR(36) NOT NULL,
    public_key  VARCHAR(400) NOT NULL,
    revoked_at  BIGINT NOT NULL,
    reason      VARCHAR(30) NOT NULL
);
CREATE INDEX revoked_certificate_piid ON revoked_certificate (piid);

-- Nonces seen within the timestamp window, per instance (or per UDI for REGISTER).
CREATE TABLE transport_nonce (
    scope      VARCHAR(250) NOT NULL,
    nonce      VARCHAR(64) NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (scope, nonce)
);
CREATE INDEX transport_nonce_expiry ON transport_nonce (expires_at);
