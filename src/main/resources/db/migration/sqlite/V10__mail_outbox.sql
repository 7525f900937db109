-- Alert e-mail waiting for the mail server (SPEC section 12, alerts.smtp): a row is written in the transaction
-- that raises its alert, so a raise is never lost, and deleted once the server has accepted the mail. A failed
-- attempt counts in attempts, keeps its reason and waits until next_attempt_at. Times are wall-clock ms.
-- alert_id has no foreign key: the mail stands on its own, and is still sent if its virtual account (and with
-- it the alert) is deleted meanwhile.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    alert_id        BIGINT NOT NULL,
    subject         VARCHAR(1000) NOT NULL,
    body            VARCHAR(8000) NOT NULL,
    recipients      VARCHAR(4000) NOT NULL,     -- comma separated
    created_at      BIGINT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      VARCHAR(1000)
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at);
