-- Alerts (SPEC section 12): raised when a condition starts, cleared (cleared_at set) when it ends. The
-- evaluator keys an alert by (type, virtual account, tag); at most one of each key is active at a time.
CREATE TABLE alert (
    id                 INTEGER PRIMARY KEY,
    type               VARCHAR(40) NOT NULL,
    severity           VARCHAR(10) NOT NULL,       -- WARNING | CRITICAL
    virtual_account_id BIGINT REFERENCES virtual_account (id) ON DELETE CASCADE,  -- null: satellite-wide
    piid               VARCHAR(36),
    entitlement_tag    VARCHAR(300),
    threshold_days     INTEGER,                    -- LICENSES_EXPIRING: the threshold reached (90 … 1)
    message            VARCHAR(2000) NOT NULL,
    raised_at          BIGINT NOT NULL,
    cleared_at         BIGINT
);
CREATE UNIQUE INDEX alert_active_key ON alert (type, COALESCE(virtual_account_id, 0), COALESCE(entitlement_tag, ''))
    WHERE cleared_at IS NULL;
CREATE INDEX alert_raised ON alert (raised_at);

-- SYNC_OVERDUE counts from the last success, or from the first start when there has been none.
ALTER TABLE sync_state ADD COLUMN first_started_at BIGINT;

-- PRODUCT_FAILED_TO_CONNECT counts, per virtual account, smart-licensed instances whose authorization
-- has lapsed: partial (reserved instances are never in it), so the count is a range scan of the lapsed.
CREATE INDEX product_instance_auth_lapse ON product_instance (authorization_expires_at, virtual_account_id)
    WHERE reservation_status IS NULL;
