package dev.smartsat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's writes on two stores sharing one database, as two nodes do: a read-then-write that would lose
 * updates under READ COMMITTED stays exact (each conflict is a serialization failure, and the write runs again),
 * writes that name one lane queue for it instead of colliding and leave it even when they fail, a write that fails
 * for its own reasons runs once, and a write inside a write joins its transaction.
 */
class SerializableWritesTest {
    private static final int THREADS_PER_NODE = 6;
    private static final int WRITES_PER_THREAD = 40;

    @Test
    void readThenWriteOnTwoNodesLosesNoUpdate() throws Exception {
        long retries = counterStorm(List.of());
        assertTrue(retries > 0, "concurrent read-then-writes of one row conflict");
    }

    @Test
    void writesInOneLaneQueueInsteadOfRunningAgain() throws Exception {
        assertEquals(0, counterStorm(List.of("counter")), "writes that queued in their lane never collided");
    }

    @Test
    void aWriteThatFailsLeavesItsLane() throws Exception {
        String url = TestDatabase.newPostgresDatabase();
        try (Store a = Store.open(url, TestDatabase.PG_USER, null, 5000);
             Store b = Store.open(url, TestDatabase.PG_USER, null, 5000)) {
            for (int i = 0; i < 20; i++) { // more than a store's connections: a lane left held would block b
                assertThrows(IllegalStateException.class, () -> a.write(List.of("lane"), tx -> {
                    throw new IllegalStateException("refused");
                }));
            }
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> written = other.submit(() -> b.write(List.of("lane"), tx -> 1));
                assertEquals(1, written.get(30, TimeUnit.SECONDS));
            } finally {
                other.shutdownNow();
            }
        }
    }

    /** Read-then-write increments of one counter from two stores on one database; returns how many ran again. */
    private static long counterStorm(List<String> lanes) throws Exception {
        String url = TestDatabase.newPostgresDatabase();
        try (Store a = Store.open(url, TestDatabase.PG_USER, null, 5000);
             Store b = Store.open(url, TestDatabase.PG_USER, null, 5000)) {
            a.write(tx -> TestSql.of(tx).execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)"));
            a.write(tx -> TestSql.of(tx).execute("INSERT INTO counter (id, n) VALUES (1, 0)"));
            ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_NODE);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 2 * THREADS_PER_NODE; t++) {
                    Store node = t % 2 == 0 ? a : b;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < WRITES_PER_THREAD; i++) {
                            node.write(lanes, tx -> {
                                long n = TestSql.of(tx).createQuery("SELECT n FROM counter WHERE id = 1")
                                        .mapTo(Long.class).one();
                                return TestSql.of(tx).createUpdate("UPDATE counter SET n = :n WHERE id = 1")
                                        .bind("n", n + 1).execute();
                            });
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(2, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            long n = b.read(tx -> TestSql.of(tx).createQuery("SELECT n FROM counter").mapTo(Long.class).one());
            assertEquals(2L * THREADS_PER_NODE * WRITES_PER_THREAD, n);
            long retries = a.writeRetries() + b.writeRetries();
            System.out.printf("%d read-then-write updates on two nodes (lanes %s): %d ran again after a conflict%n",
                    n, lanes, retries);
            return retries;
        }
    }

    @Test
    void aWriteThatFailsForItsOwnReasonRunsOnceAndANestedWriteJoins() {
        try (Store store = TestDatabase.POSTGRESQL.open(null)) {
            store.write(tx -> TestSql.of(tx).execute("CREATE TABLE t (id INTEGER PRIMARY KEY)"));
            AtomicInteger runs = new AtomicInteger();
            assertThrows(IllegalStateException.class, () -> store.write(tx -> {
                runs.incrementAndGet();
                TestSql.of(tx).execute("INSERT INTO t (id) VALUES (1)");
                throw new IllegalStateException("refused");
            }));
            assertEquals(1, runs.get());
            store.write(tx -> {
                TestSql.of(tx).execute("INSERT INTO t (id) VALUES (2)");
                return store.write(inner -> TestSql.of(inner).execute("INSERT INTO t (id) VALUES (3)"));
            });
            assertEquals(List.of(2L, 3L), store.read(tx -> TestSql.of(tx).createQuery("SELECT id FROM t ORDER BY id")
                    .mapTo(Long.class).list()));
            assertThrows(RuntimeException.class, () -> store.read(tx -> TestSql.of(tx).execute("INSERT INTO t (id) VALUES (4)")),
                    "a read is read-only: a write slipped into it would escape the writers' checks");
        }
    }
}
