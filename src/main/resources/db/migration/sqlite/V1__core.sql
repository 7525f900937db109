-- Satellite core: accounts, virtual accounts, registration tokens, license pools, events, API clients.
-- Portable SQL (SQLite today, PostgreSQL later): instants are epoch milliseconds in BIGINT,
-- dates are ISO text, booleans are SMALLINT 0/1, ids are generated BIGINT keys.

CREATE TABLE smart_account (
    id          INTEGER PRIMARY KEY,
    name        VARCHAR(200) NOT NULL UNIQUE,
    domain      VARCHAR(200) NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE virtual_account (
    id           INTEGER PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES smart_account (id),
    name         VARCHAR(100) NOT NULL,
    name_key     VARCHAR(100) NOT NULL,  -- lower-cased name: names are unique regardless of case
    description  VARCHAR(1000),
    is_default   SMALLINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE registration_token (
    id                 INTEGER PRIMARY KEY,
    virtual_account_id BIGINT NOT NULL REFERENCES virtual_account (id),
    token              VARCHAR(200) NOT NULL UNIQUE,
    description        VARCHAR(1000),
    created_at         BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL,
    export_controlled  SMALLINT NOT NULL,
    max_uses           BIGINT,
    uses               BIGINT NOT NULL DEFAULT 0,
    revoked_at         BIGINT
);
CREATE INDEX registration_token_va ON registration_token (virtual_account_id, created_at);

CREATE TABLE license_pool (
    id                 INTEGER PRIMARY KEY,
    virtual_account_id BIGINT NOT NULL REFERENCES virtual_account (id),
    entitlement_tag    VARCHAR(300) NOT NULL,
    display_name       VARCHAR(300) NOT NULL,
    license_type       VARCHAR(20) NOT NULL,
    quantity           BIGINT NOT NULL CHECK (quantity >= 0),
    end_date           VARCHAR(10),
    UNIQUE (virtual_account_id, entitlement_tag)
);

-- Local moves of unused quantity between virtual accounts; the upstream learns of them at sync.
CREATE TABLE license_transfer (
    id              INTEGER PRIMARY KEY,
    time            BIGINT NOT NULL,
    from_va_id      BIGINT NOT NULL REFERENCES virtual_account (id),
    to_va_id        BIGINT NOT NULL REFERENCES virtual_account (id),
    entitlement_tag VARCHAR(300) NOT NULL,
    quantity        BIGINT NOT NULL
);

CREATE TABLE event (
    id                          INTEGER PRIMARY KEY,
    time                        BIGINT NOT NULL,
    type                        VARCHAR(50) NOT NULL,
    account_id                  BIGINT REFERENCES smart_account (id),
    virtual_account_id          BIGINT REFERENCES virtual_account (id),
    product_instance_identifier VARCHAR(36),
    message                     VARCHAR(2000) NOT NULL
);
CREATE INDEX event_account_time ON event (account_id, time);
CREATE INDEX event_time ON event (time);

CREATE TABLE api_client (
    id           INTEGER PRIMARY KEY,
    client_id    VARCHAR(100) NOT NULL UNIQUE,
    name         VARCHAR(200) NOT NULL,
    role         VARCHAR(20) NOT NULL,
    secret_hash  VARCHAR(200) NOT NULL,
    created_at   BIGINT NOT NULL
);

-- Bearer tokens are stored by SHA-256 of their value (they carry 256 random bits); they expire on
-- the wall clock, not the simulated one.
CREATE TABLE access_token (
    token_hash  VARCHAR(64) PRIMARY KEY,
    client_id   VARCHAR(100) NOT NULL REFERENCES api_client (client_id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL
);
