package dev.smartsat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.core.ProductInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * The device list answers every page exactly as the statuses of {@link ProductInstance} and a case-insensitive
 * substring say it should, newest registration first and then by id, whichever way the database finds it: on SQLite
 * through instance_tally and the trigram index (and, past too many lapsed instances, by counting rows), on PostgreSQL
 * by counting rows. The instances have every status, lapsed registrations and authorizations, reservations, ties
 * in registration time and registrations hours apart; then every write path changes some of them.
 */
@OnEachDatabase
class InstanceListTest {
    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    private static final Instant NOW = T0.plus(Duration.ofDays(40));
    private static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");
    private static final List<String> STATUSES = Arrays.asList(null, ProductInstance.REGISTERED,
            ProductInstance.REGISTRATION_EXPIRED, ProductInstance.RESERVED, ProductInstance.AUTHORIZED,
            ProductInstance.OUT_OF_COMPLIANCE, ProductInstance.NO_LICENSES_IN_USE, ProductInstance.AUTHORIZATION_EXPIRED);
    /**
     * Found by the trigram index in many rows and in some; too short for it; a quote, which FTS5 syntax escapes;
     * non-ASCII letters, which SQLite's LOWER and LIKE leave as they are (PostgreSQL's LOWER may fold them: école
     * is asked of SQLite only), while its trigram index folds them.
     */
    private static final List<String> SEARCHES = Arrays.asList(null, ".example.com", "sn1", "7", "a\"b", "café",
            "école", "rolled-back", "moved-");

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    @Test
    void everyPageIsTheRowsTheStatusesAndTheTextSelectInTheirOrder() {
        try (Store store = database.open(dir)) {
            long[] vas = accounts(store);
            Random random = new Random(16);
            store.write(tx -> insert(TestSql.of(tx), random, vas, 1, 700));
            assertPagesAsExpected(store, vas);

            // The write paths: registrations, authorizations changing class, renewals, moves, removals, reservations.
            store.write(tx -> {
                Handle h = TestSql.of(tx);
                insert(h, random, vas, 10_000, 60);
                h.execute("UPDATE product_instance SET authorization_status = 'OUT_OF_COMPLIANCE' WHERE id % 11 = 0"
                        + " AND authorization_status = 'AUTHORIZED'");
                h.execute("UPDATE product_instance SET authorization_status = 'AUTHORIZED', authorization_expires_at = ?"
                        + " WHERE id % 13 = 0 AND reservation_status IS NULL", NOW.plus(Duration.ofDays(9)).toEpochMilli());
                h.execute("UPDATE product_instance SET registration_expires_at = ?, hostname = 'Renewed-' || id"
                        + " WHERE id % 17 = 0 AND reservation_status IS NULL", NOW.plus(Duration.ofDays(300)).toEpochMilli());
                h.execute("UPDATE product_instance SET virtual_account_id = ? WHERE id % 19 = 0", vas[1]);
                h.execute("UPDATE product_instance SET reservation_status = 'PENDING_CONFIRMATION' WHERE id % 23 = 0"
                        + " AND reservation_status = 'RESERVED'");
                h.execute("DELETE FROM product_instance WHERE id % 29 = 0");
                h.execute("UPDATE product_instance SET registered_at = registered_at + 3600000 WHERE id % 31 = 0");
                return null;
            });
            // A write that fails leaves nothing behind, in the search (SQLite's is in memory) as in the tables.
            assertThrows(IllegalStateException.class, () -> store.write(tx -> {
                Handle h = TestSql.of(tx);
                insert(h, random, vas, 20_000, 5);
                h.execute("UPDATE product_instance SET hostname = 'rolled-back' WHERE id % 7 = 0");
                h.execute("DELETE FROM product_instance WHERE id % 5 = 0");
                throw new IllegalStateException("undone");
            }));
            assertPagesAsExpected(store, vas);
        }
    }

    /**
     * SQLite's search is built from a snapshot while devices go on writing: what they change between its start and
     * its end is taken as it is at the end, so nothing is missed, doubled or left behind.
     */
    @Test
    void aSearchBuiltWhileDevicesWriteFindsWhatTheyWrote() throws InterruptedException {
        if (database != TestDatabase.SQLITE) {
            return;
        }
        try (Store store = database.open(dir)) {
            long[] vas = accounts(store);
            store.write(tx -> insert(TestSql.of(tx), new Random(3), vas, 1, 20_000));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread devices = new Thread(() -> {
                Random random = new Random(5);
                for (long next = 100_000; !stop.get(); next += 3) {
                    long first = next;
                    store.write(tx -> {
                        Handle h = TestSql.of(tx);
                        insert(h, random, vas, first, 3);
                        h.execute("UPDATE product_instance SET hostname = 'moved-' || id, virtual_account_id = ?"
                                + " WHERE id = ?", vas[random.nextInt(2)], random.nextInt(20_000) + 1);
                        h.execute("DELETE FROM product_instance WHERE id = ?", random.nextInt(20_000) + 1);
                        return null;
                    });
                    writes.incrementAndGet();
                }
            });
            devices.start();
            while (writes.get() < 20) {
                Thread.sleep(5);
            }
            long before = writes.get();
            store.read(tx -> new InstanceList(tx, true).page(vas[0], null, "moved-", NOW, 10, 0)); // builds it
            long during = writes.get() - before;
            Thread.sleep(100);
            stop.set(true);
            devices.join();
            assertTrue(during > 0, "devices wrote while the search was built");
            assertPagesAsExpected(store, vas, Arrays.asList((String) null)); // q alone: what the search answers
        }
    }

    /** V12 builds the tally and the trigram index from the instances a database already holds. */
    @Test
    void theInstancesOfAnEarlierVersionAreListedTheSameAfterItsUpgrade() {
        boolean sqlite = database == TestDatabase.SQLITE;
        String url = sqlite ? "jdbc:sqlite:" + dir.resolve("v11.db") : TestDatabase.newPostgresDatabase();
        String user = sqlite ? null : TestDatabase.PG_USER;
        Flyway.configure().dataSource(url, user, null).target("11")
                .locations("classpath:db/migration/" + (sqlite ? "sqlite" : "postgresql")).load().migrate();
        long[] vas = (sqlite ? Jdbi.create(url) : Jdbi.create(url, user, "")).withHandle(h -> {
            long[] ids = accounts(h);
            insert(h, new Random(11), ids, 1, 250);
            return ids;
        });
        try (Store store = Store.open(url, user, null, 5000)) {
            assertPagesAsExpected(store, vas);
        }
    }

    @Test
    void theTallyIsWhatCountingTheInstancesGives() {
        if (database != TestDatabase.SQLITE) {
            return;
        }
        try (Store store = database.open(dir)) {
            long[] vas = accounts(store);
            Random random = new Random(29);
            store.write(tx -> insert(TestSql.of(tx), random, vas, 1, 300));
            store.write(tx -> {
                Handle h = TestSql.of(tx);
                h.execute("UPDATE product_instance SET virtual_account_id = ? WHERE id % 3 = 0", vas[1]);
                h.execute("UPDATE product_instance SET authorization_status = NULL, authorization_expires_at = NULL"
                        + " WHERE id % 5 = 0 AND reservation_status IS NULL");
                h.execute("UPDATE product_instance SET registered_at = registered_at + 3600000 WHERE id % 7 = 0");
                h.execute("DELETE FROM product_instance WHERE id % 4 = 0");
                return null;
            });
            String recount = "SELECT virtual_account_id, span, bucket, registration_class, authorization_class, COUNT(*)"
                    + " FROM (SELECT virtual_account_id, 22 AS span, registered_at >> 22 AS bucket, registration_class,"
                    + " authorization_class FROM product_instance UNION ALL SELECT virtual_account_id, 10,"
                    + " registered_at >> 10, registration_class, authorization_class FROM product_instance)"
                    + " GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5";
            String tally = "SELECT virtual_account_id, span, bucket, registration_class, authorization_class, instances"
                    + " FROM instance_tally ORDER BY 1, 2, 3, 4, 5";
            store.read(tx -> {
                Handle h = TestSql.of(tx);
                List<String> expected = h.createQuery(recount).map((rs, ctx) -> row(rs)).list();
                assertTrue(expected.size() > 10, expected.toString());
                assertEquals(expected, h.createQuery(tally).map((rs, ctx) -> row(rs)).list());
                return null;
            });
        }
    }

    private static String row(java.sql.ResultSet rs) throws java.sql.SQLException {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            s.append(rs.getString(i)).append('|');
        }
        return s.toString();
    }

    /** Every status, search, limit and offset of each virtual account against what the instances themselves say. */
    private void assertPagesAsExpected(Store store, long[] vas) {
        assertPagesAsExpected(store, vas, STATUSES);
    }

    private void assertPagesAsExpected(Store store, long[] vas, List<String> statuses) {
        List<ProductInstance> all = store.read(tx -> TestSql.of(tx)
                .createQuery("SELECT " + InstanceDao.COLUMNS + " FROM product_instance").mapTo(ProductInstance.class).list());
        boolean sqlite = database == TestDatabase.SQLITE;
        for (long va : vas) {
            for (String status : statuses) {
                for (String search : SEARCHES.stream().filter(q -> sqlite || !"école".equals(q)).toList()) {
                    List<Long> expected = all.stream().filter(i -> i.virtualAccountId() == va)
                            .filter(i -> status == null || matches(i, status))
                            .filter(i -> search == null || found(i, search))
                            .sorted(Comparator.comparing(ProductInstance::registeredAt)
                                    .thenComparingLong(ProductInstance::id).reversed())
                            .map(ProductInstance::id).toList();
                    String what = "va " + va + ", status " + status + ", q " + search;
                    int n = expected.size();
                    for (int limit : new int[] {1, 7, 1000}) {
                        for (int offset : Stream.of(0, 6, n / 2, n - 1, n).filter(o -> o >= 0).distinct()
                                .filter(o -> limit < 1000 || o == 0).mapToInt(Integer::intValue).toArray()) {
                            List<Long> page = expected.subList(Math.min(offset, n), Math.min(n, offset + limit));
                            // On SQLite, also with too many lapsed instances for the tally: counted rows instead.
                            for (int maxLapsed : sqlite && search == null && status != null
                                    ? new int[] {InstanceTally.MAX_LAPSED, 2}
                                    : new int[] {InstanceTally.MAX_LAPSED}) {
                                InstanceList.Page answer = store.read(tx -> new InstanceList(tx, sqlite, maxLapsed)
                                        .page(va, status, search, NOW, limit, offset));
                                String at = what + ", limit " + limit + ", offset " + offset + ", maxLapsed " + maxLapsed;
                                assertEquals(n, answer.totalRecords(), at);
                                assertEquals(page, answer.instances().stream().map(ProductInstance::id).toList(), at);
                            }
                        }
                    }
                }
            }
        }
    }

    private static boolean matches(ProductInstance i, String status) {
        return switch (status) {
            case ProductInstance.REGISTRATION_EXPIRED -> i.registrationLapsed(NOW);
            case ProductInstance.REGISTERED, ProductInstance.RESERVED -> status.equals(i.registrationStatus(NOW));
            default -> status.equals(i.authorizationStatus(NOW));
        };
    }

    private static boolean found(ProductInstance i, String search) {
        return Stream.of(i.piid(), i.hostname(), i.udiPid(), i.udiSerial())
                .anyMatch(text -> text != null && asciiLowerCase(text).contains(search));
    }

    /** What SQLite's LOWER makes of a text: only A to Z are lowered. */
    private static String asciiLowerCase(String text) {
        StringBuilder lower = new StringBuilder(text.length());
        text.chars().forEach(c -> lower.append((char) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c)));
        return lower.toString();
    }

    private static long[] accounts(Store store) {
        return store.write(tx -> accounts(TestSql.of(tx)));
    }

    /** A smart account with two virtual accounts: their ids. */
    private static long[] accounts(Handle h) {
        h.execute("INSERT INTO smart_account (name, domain, created_at) VALUES ('Example Corp', 'example.com', 0)");
        long account = h.createQuery("SELECT id FROM smart_account").mapTo(Long.class).one();
        for (String name : List.of("Default", "Lab")) {
            h.execute("INSERT INTO virtual_account (account_id, name, name_key, is_default, created_at)"
                    + " VALUES (?, ?, ?, 0, 0)", account, name, name.toLowerCase(Locale.ROOT));
        }
        return h.createQuery("SELECT id FROM virtual_account ORDER BY id").mapTo(Long.class).list().stream()
                .mapToLong(Long::longValue).toArray();
    }

    /**
     * {@code count} instances from id {@code first}: registered over days (up to a few hours apart) with ties to the
     * millisecond, a tenth of registrations and a fifth of authorizations lapsed at {@link #NOW}, some never
     * authorized, some reserved.
     */
    private static Void insert(Handle h, Random random, long[] vas, long first, int count) {
        PreparedBatch batch = h.prepareBatch("INSERT INTO product_instance (id, piid, virtual_account_id, udi_pid,"
                + " udi_serial, hostname, export_controlled, registered_at, last_contact_at, cert_serial, cert_public_key,"
                + " cert_issued_at, registration_expires_at, last_auth_at, authorization_expires_at, authorization_status,"
                + " reservation_status) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, 'serial', 'key', ?, ?, ?, ?, ?, ?)");
        List<String> pids = List.of("C9300-24UX", "ISR4331/K9", "CSR1000V");
        long registered = T0.toEpochMilli();
        for (int i = 0; i < count; i++) {
            long id = first + i;
            int step = random.nextInt(10);
            registered += step < 3 ? 0 : step < 8 ? random.nextInt(2000) : random.nextInt(3 * 3_600_000);
            boolean reserved = random.nextInt(30) == 0;
            String hostname = reserved || random.nextInt(5) == 0 ? null
                    : random.nextInt(6) == 0 ? "ÉCOLE-" + id + ".Café.Example.COM" : "Host-" + id + ".Example.COM";
            long regExpires = random.nextInt(10) == 0 ? NOW.minusSeconds(random.nextInt(86_400)).toEpochMilli()
                    : registered + Duration.ofDays(365).toMillis();
            String authStatus;
            Long authExpires;
            int auth = random.nextInt(20);
            if (reserved) {
                authStatus = ProductInstance.AUTHORIZED;
                authExpires = NEVER.toEpochMilli();
                regExpires = NEVER.toEpochMilli();
            } else if (auth < 3) {
                authStatus = null;
                authExpires = null;
            } else {
                authStatus = auth < 12 ? ProductInstance.AUTHORIZED : auth < 17 ? ProductInstance.OUT_OF_COMPLIANCE
                        : ProductInstance.NO_LICENSES_IN_USE;
                authExpires = NOW.plusSeconds(random.nextInt(4) == 0 ? -random.nextInt(86_400) : random.nextInt(86_400))
                        .toEpochMilli();
            }
            batch.add(id, UUID.randomUUID().toString(), vas[random.nextInt(5) == 0 ? 1 : 0],
                    pids.get(random.nextInt(pids.size())), "SN" + Long.toHexString(id * 7919).toUpperCase(Locale.ROOT),
                    hostname, registered, registered, registered, regExpires, authExpires == null ? null : registered,
                    authExpires, authStatus, reserved ? "RESERVED" : null);
        }
        batch.execute();
        if (h.getConnection().getClass().getName().contains("postgresql")) {
            h.execute("SELECT setval(pg_get_serial_sequence('product_instance', 'id'), MAX(id)) FROM product_instance");
        }
        return null;
    }
}
