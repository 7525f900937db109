package dev.smartsat.store;

import dev.smartsat.TestSatellite;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * What {@code agent fleet --devices N --entitlement NETWORK_ADVANTAGE=1} leaves in a satellite's store, written by
 * SQL instead of registered, so scale tests and benchmarks start from 100,000 or 1,000,000 instances in seconds: per
 * device the product instance (one registration a millisecond, up to {@code now}), its usage row in the pool's queue,
 * the INSTANCE_REGISTERED and INSTANCE_AUTHORIZATION_CHANGED events, and the pool's running total. As a fleet would,
 * the devices within the pool's free quantity are AUTHORIZED and the rest OUT_OF_COMPLIANCE (reservations are not
 * counted). The ID certificates' keys are random bytes in the shape of a P-256 key: no seeded device can talk.
 */
public final class SeededFleet {
    public static final String NETWORK_ADVANTAGE =
            "regid.2017-03.com.cisco.advantagek9,1.0_bd1da96e-ec1d-412b-a50e-53846b347d53";
    public static final String PID = "C9300-24UX";
    /** What {@code Requests.defaultSoftwareTag(PID)} sends. */
    private static final String SOFTWARE_TAG =
            "regid.2016-07.com.cisco.C9300-24UX,1.0_30b022da-20f9-3015-86ef-e5ab70c6fccc";
    private static final String P256_KEY_PREFIX = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE";
    private static final int BATCH = 10_000;

    private SeededFleet() {}

    /** The serial number of the {@code i}-th seeded device; its host name is {@code fleet-} and the serial in lower case. */
    public static String serial(int i) {
        return String.format("SEED%07d", i);
    }

    /** Writes {@code count} devices into the Default virtual account of a test satellite, at its clock's now. */
    public static void insert(TestSatellite sat, int count) {
        insert(sat.server().store(), sat.server().clock().instant(), "Default", count);
    }

    /** Writes {@code count} devices into virtual account {@code virtualAccount} of the store's smart account. */
    public static void insert(Store store, Instant now, String virtualAccount, int count) {
        store.write(tx -> {
            Handle h = TestSql.of(tx);
            long va = h.createQuery("SELECT id FROM virtual_account WHERE name = ?").bind(0, virtualAccount)
                    .mapTo(Long.class).one();
            long account = h.createQuery("SELECT account_id FROM virtual_account WHERE id = ?").bind(0, va)
                    .mapTo(Long.class).one();
            long firstId = h.createQuery("SELECT COALESCE(MAX(id), 0) + 1 FROM product_instance").mapTo(Long.class).one();
            long queue = h.createQuery("SELECT COALESCE(MAX(queue_position), 0) FROM instance_usage"
                    + " WHERE virtual_account_id = ? AND entitlement_tag = ?").bind(0, va).bind(1, NETWORK_ADVANTAGE)
                    .mapTo(Long.class).one();
            long quantity = h.createQuery("SELECT COALESCE(MAX(quantity), 0) FROM license_pool"
                    + " WHERE virtual_account_id = ? AND entitlement_tag = ?").bind(0, va).bind(1, NETWORK_ADVANTAGE)
                    .mapTo(Long.class).one();
            long inUse = h.createQuery("SELECT COALESCE(SUM(count), 0) FROM instance_usage WHERE virtual_account_id = ?"
                            + " AND entitlement_tag = ? AND live_until > ? AND status <> 'INVALID_TAG'")
                    .bind(0, va).bind(1, NETWORK_ADVANTAGE).bind(2, now.toEpochMilli()).mapTo(Long.class).one();
            Random random = new Random(count);
            Rows rows = new Rows(h);
            for (int i = 0; i < count; i++) {
                long id = firstId + i;
                long registered = now.minusMillis(count - i).toEpochMilli();
                long authorized = registered + 40;
                long authExpires = authorized + Duration.ofDays(90).toMillis();
                String status = inUse + i < quantity ? "AUTHORIZED" : "OUT_OF_COMPLIANCE";
                String piid = new UUID(random.nextLong(), random.nextLong()).toString();
                String serial = serial(i);
                String udi = "P:" + PID + ",S:" + serial;
                byte[] key = new byte[64];
                random.nextBytes(key);
                byte[] certSerial = new byte[12];
                random.nextBytes(certSerial);
                rows.instances.add(id, piid, va, PID, serial, new UUID(random.nextLong(), random.nextLong()).toString(),
                        "fleet-" + serial.toLowerCase(), SOFTWARE_TAG, registered, authorized,
                        HexFormat.of().formatHex(certSerial), P256_KEY_PREFIX + Base64.getEncoder().encodeToString(key),
                        registered, registered + Duration.ofDays(365).toMillis(), authorized, authExpires, status);
                rows.usage.add(id, va, NETWORK_ADVANTAGE, authorized, authExpires, status, queue + 1 + i);
                rows.events.add(registered, "INSTANCE_REGISTERED", account, va, piid,
                        "Product instance " + udi + " registered (fleet-" + serial.toLowerCase() + ")");
                rows.events.add(authorized, "INSTANCE_AUTHORIZATION_CHANGED", account, va, piid,
                        "Authorization of " + udi + " changed from none to " + status);
                if ((i + 1) % BATCH == 0) {
                    rows.flush();
                }
            }
            rows.flush();
            h.createUpdate("INSERT INTO pool_usage (virtual_account_id, entitlement_tag, in_use, next_lapse_at, computed_at)"
                            + " SELECT :va, :tag, COALESCE(SUM(count), 0), COALESCE(MIN(live_until), :far), :now"
                            + " FROM instance_usage WHERE virtual_account_id = :va AND entitlement_tag = :tag"
                            + " AND live_until > :now AND status <> 'INVALID_TAG'"
                            + " ON CONFLICT (virtual_account_id, entitlement_tag) DO UPDATE SET in_use = excluded.in_use,"
                            + " next_lapse_at = excluded.next_lapse_at, computed_at = excluded.computed_at")
                    .bind("va", va).bind("tag", NETWORK_ADVANTAGE).bind("now", now.toEpochMilli())
                    .bind("far", Instant.parse("9999-12-31T00:00:00Z").toEpochMilli()).execute();
            if (postgres(h)) {
                // Explicit ids leave the identity behind: the next registration would take a seeded id.
                h.execute("SELECT setval(pg_get_serial_sequence('product_instance', 'id'), MAX(id)) FROM product_instance");
            }
            return null;
        });
    }

    private static boolean postgres(Handle h) {
        try {
            return h.getConnection().getMetaData().getDatabaseProductName().equals("PostgreSQL");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The three batches, sent every {@link #BATCH} devices so a million never sit in memory at once. */
    private static final class Rows {
        private final Handle h;
        PreparedBatch instances;
        PreparedBatch usage;
        PreparedBatch events;

        Rows(Handle h) {
            this.h = h;
            next();
        }

        private void next() {
            instances = h.prepareBatch("INSERT INTO product_instance (id, piid, virtual_account_id, udi_pid, udi_serial,"
                    + " udi_uuid, hostname, software_tag, export_controlled, registered_at, last_contact_at, cert_serial,"
                    + " cert_public_key, cert_issued_at, registration_expires_at, last_auth_at, authorization_expires_at,"
                    + " authorization_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            usage = h.prepareBatch("INSERT INTO instance_usage (instance_id, virtual_account_id, entitlement_tag, count,"
                    + " first_authorized_at, live_until, status, queue_position) VALUES (?, ?, ?, 1, ?, ?, ?, ?)");
            events = h.prepareBatch("INSERT INTO event (time, type, account_id, virtual_account_id,"
                    + " product_instance_identifier, message) VALUES (?, ?, ?, ?, ?, ?)");
        }

        void flush() {
            if (instances.size() > 0) {
                instances.execute();
                usage.execute();
                events.execute();
            }
            next();
        }
    }
}
