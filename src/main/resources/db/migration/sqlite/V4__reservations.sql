-- Specific License Reservation (SPEC section 5). A reservation is a product instance that never talks
-- to the satellite (registrationStatus RESERVED: reservation_status not null), its licenses held in reservation_entitlement rather
-- than instance_usage. cert_serial and cert_public_key are empty for such an instance, and both expiry
-- instants lie far in the future, so lapse filters leave it alone.
ALTER TABLE product_instance ADD COLUMN reservation_status VARCHAR(30);          -- RESERVED | PENDING_CONFIRMATION
ALTER TABLE product_instance ADD COLUMN reservation_request_code VARCHAR(200);
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
    entitlement_tag    VARCHAR(300) NOT NULL,
    count              BIGINT NOT NULL,          -- 0 for a tag only the pending update adds
    pending_count      BIGINT,                   -- null when no update is pending for the tag
    PRIMARY KEY (instance_id, entitlement_tag)
);
CREATE INDEX reservation_entitlement_pool ON reservation_entitlement (virtual_account_id, entitlement_tag);
