-- Specific License Reservation (SPEC section 5): the PostgreSQL twin of sqlite/V4__reservations.sql.
ALTER TABLE product_instance ADD COLUMN reservation_status TEXT;                 -- RESERVED | PENDING_CONFIRMATION
ALTER TABLE product_instance ADD COLUMN reservation_request_code TEXT;
ALTER TABLE product_instance ADD COLUMN reservation_code TEXT;                   -- the authorization code in force
ALTER TABLE product_instance ADD COLUMN reservation_timestamp BIGINT;           -- its <timestamp>
ALTER TABLE product_instance ADD COLUMN pending_reservation_code TEXT;           -- an update awaiting confirmation
ALTER TABLE product_instance ADD COLUMN pending_reservation_timestamp BIGINT;
CREATE INDEX product_instance_reservation ON product_instance (virtual_account_id, reservation_status);

-- What each reservation holds, per tag. While an update awaits confirmation the pool holds the larger
-- of count and pending_count; confirming makes pending_count the count.
CREATE TABLE reservation_entitlement (
    instance_id        BIGINT NOT NULL REFERENCES product_instance (id) ON DELETE CASCADE,
    virtual_account_id BIGINT NOT NULL REFERENCES virtual_account (id),
    entitlement_tag    TEXT NOT NULL,
    count              BIGINT NOT NULL,          -- 0 for a tag only the pending update adds
    pending_count      BIGINT,                   -- null when no update is pending for the tag
    PRIMARY KEY (instance_id, entitlement_tag)
);
CREATE INDEX reservation_entitlement_pool ON reservation_entitlement (virtual_account_id, entitlement_tag);
