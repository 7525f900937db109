-- The device list at a million instances (issue 16). SQLite counts and skips rows one by one: a COUNT or an
-- OFFSET of 500,000 reads 500,000 index entries, and a status filter reads as many table rows (1.3 s at 1,000,000
-- instances). Two structures, kept by triggers so every write path keeps them exact, let the list jump instead.

-- What each instance's statuses are while none of its expiries has passed. The list filters are these classes,
-- less the instances whose registration or authorization has lapsed by the clock (found by the expiry indexes):
-- REGISTERED is registration_class REGISTERED and unexpired; AUTHORIZED, OUT_OF_COMPLIANCE and NO_LICENSES_IN_USE
-- are that authorization_class and an unexpired authorization. OTHER (a status stored without an expiry) matches
-- no authorization filter, as the filters' SQL never matched it. Virtual: computed when read, stored nowhere.
ALTER TABLE product_instance ADD COLUMN registration_class VARCHAR(20) GENERATED ALWAYS AS (
    CASE WHEN reservation_status IS NULL THEN 'REGISTERED' ELSE 'RESERVED' END) VIRTUAL;
ALTER TABLE product_instance ADD COLUMN authorization_class VARCHAR(30) GENERATED ALWAYS AS (
    CASE WHEN authorization_status IS NULL OR authorization_status = 'NO_LICENSES_IN_USE' THEN 'NO_LICENSES_IN_USE'
         WHEN authorization_expires_at IS NOT NULL AND authorization_status IN ('AUTHORIZED', 'OUT_OF_COMPLIANCE')
         THEN authorization_status
         ELSE 'OTHER' END) VIRTUAL;

-- How many instances of each class a virtual account has, per span of registration time: span 22 counts
-- registered_at >> 22 (about 70 minutes), span 10 registered_at >> 10 (about a second). The list is ordered by
-- registered_at, so a page at offset N is found by adding up the long spans, then the short ones of one long
-- span, then stepping through the rows of one short span. A count is a sum of the long spans.
CREATE TABLE instance_tally (
    virtual_account_id  BIGINT NOT NULL,
    span                INTEGER NOT NULL,
    bucket              BIGINT NOT NULL,
    registration_class  VARCHAR(20) NOT NULL,
    authorization_class VARCHAR(30) NOT NULL,
    instances           BIGINT NOT NULL,
    PRIMARY KEY (virtual_account_id, span, bucket, registration_class, authorization_class)
) WITHOUT ROWID;

INSERT INTO instance_tally
SELECT virtual_account_id, 22, registered_at >> 22, registration_class, authorization_class, COUNT(*)
FROM product_instance GROUP BY 1, 2, 3, 4, 5;
INSERT INTO instance_tally
SELECT virtual_account_id, 10, registered_at >> 10, registration_class, authorization_class, COUNT(*)
FROM product_instance GROUP BY 1, 2, 3, 4, 5;

-- One instance counted in (delta 1) or out (delta -1) of both spans, by the triggers below; a count that falls to
-- zero is deleted, so the tally holds no more rows than there are classes in each span.
CREATE VIEW instance_tally_change AS
SELECT virtual_account_id, bucket AS registered_at, registration_class, authorization_class, instances AS delta
FROM instance_tally WHERE 0;

CREATE TRIGGER instance_tally_change INSTEAD OF INSERT ON instance_tally_change BEGIN
    INSERT INTO instance_tally VALUES (NEW.virtual_account_id, 22, NEW.registered_at >> 22, NEW.registration_class,
        NEW.authorization_class, NEW.delta) ON CONFLICT DO UPDATE SET instances = instances + excluded.instances;
    INSERT INTO instance_tally VALUES (NEW.virtual_account_id, 10, NEW.registered_at >> 10, NEW.registration_class,
        NEW.authorization_class, NEW.delta) ON CONFLICT DO UPDATE SET instances = instances + excluded.instances;
    DELETE FROM instance_tally WHERE virtual_account_id = NEW.virtual_account_id AND span = 22
        AND bucket = NEW.registered_at >> 22 AND registration_class = NEW.registration_class
        AND authorization_class = NEW.authorization_class AND instances = 0;
    DELETE FROM instance_tally WHERE virtual_account_id = NEW.virtual_account_id AND span = 10
        AND bucket = NEW.registered_at >> 10 AND registration_class = NEW.registration_class
        AND authorization_class = NEW.authorization_class AND instances = 0;
END;

CREATE TRIGGER instance_tally_insert AFTER INSERT ON product_instance BEGIN
    INSERT INTO instance_tally_change VALUES (NEW.virtual_account_id, NEW.registered_at, NEW.registration_class,
        NEW.authorization_class, 1);
END;

CREATE TRIGGER instance_tally_delete AFTER DELETE ON product_instance BEGIN
    INSERT INTO instance_tally_change VALUES (OLD.virtual_account_id, OLD.registered_at, OLD.registration_class,
        OLD.authorization_class, -1);
END;

-- Most updates (a renewal, the same authorization answer again, a contact) change no class and skip this.
CREATE TRIGGER instance_tally_update AFTER UPDATE OF virtual_account_id, registered_at, reservation_status,
    authorization_status, authorization_expires_at ON product_instance
    WHEN OLD.virtual_account_id <> NEW.virtual_account_id OR OLD.registered_at <> NEW.registered_at
      OR OLD.registration_class <> NEW.registration_class OR OLD.authorization_class <> NEW.authorization_class
BEGIN
    INSERT INTO instance_tally_change VALUES (OLD.virtual_account_id, OLD.registered_at, OLD.registration_class,
        OLD.authorization_class, -1);
    INSERT INTO instance_tally_change VALUES (NEW.virtual_account_id, NEW.registered_at, NEW.registration_class,
        NEW.authorization_class, 1);
END;

-- The smart-licensed instances whose registration has lapsed by a given time, for the tally's correction and
-- for status=REGISTRATION_EXPIRED (authorizations have product_instance_auth_lapse; reserved instances, few, are
-- read through product_instance_reserved).
CREATE INDEX product_instance_registration_lapse ON product_instance (virtual_account_id, registration_expires_at)
    WHERE reservation_status IS NULL;

-- q, a case-insensitive substring of identifier, host name, PID or serial: every three-character sequence of
-- them indexed (the trigram tokenizer), so q finds its rows without reading every instance. A q of one or two
-- characters has no trigram and is still a scan. The text is product_instance's own (external content).
CREATE VIRTUAL TABLE instance_search USING fts5(piid, hostname, udi_pid, udi_serial, content='product_instance',
    content_rowid='id', tokenize='trigram');
INSERT INTO instance_search (instance_search) VALUES ('rebuild');
-- Every transaction that registers a device writes a small segment of the index, and FTS5 by default merges
-- segments a little at each write once 4 wait at a level: into a million instances, a one-row transaction then
-- took 584 us instead of 170 without the index. Merging 16 at a time (64 before a write must merge at once) does
-- the same work in fewer, larger steps: 277 us, and q finds its rows as fast.
INSERT INTO instance_search (instance_search, rank) VALUES ('automerge', 16);
INSERT INTO instance_search (instance_search, rank) VALUES ('crisismerge', 64);

CREATE TRIGGER instance_search_insert AFTER INSERT ON product_instance BEGIN
    INSERT INTO instance_search (rowid, piid, hostname, udi_pid, udi_serial)
        VALUES (NEW.id, NEW.piid, NEW.hostname, NEW.udi_pid, NEW.udi_serial);
END;

CREATE TRIGGER instance_search_delete AFTER DELETE ON product_instance BEGIN
    INSERT INTO instance_search (instance_search, rowid, piid, hostname, udi_pid, udi_serial)
        VALUES ('delete', OLD.id, OLD.piid, OLD.hostname, OLD.udi_pid, OLD.udi_serial);
END;

CREATE TRIGGER instance_search_update AFTER UPDATE OF piid, hostname, udi_pid, udi_serial ON product_instance
    WHEN OLD.piid IS NOT NEW.piid OR OLD.hostname IS NOT NEW.hostname OR OLD.udi_pid IS NOT NEW.udi_pid
      OR OLD.udi_serial IS NOT NEW.udi_serial
BEGIN
    INSERT INTO instance_search (instance_search, rowid, piid, hostname, udi_pid, udi_serial)
        VALUES ('delete', OLD.id, OLD.piid, OLD.hostname, OLD.udi_pid, OLD.udi_serial);
    INSERT INTO instance_search (rowid, piid, hostname, udi_pid, udi_serial)
        VALUES (NEW.id, NEW.piid, NEW.hostname, NEW.udi_pid, NEW.udi_serial);
END;
