package dev.smartsat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10: nodes starting at once on an empty PostgreSQL database create the schema once; Flyway's lock in the
 * database makes the later ones wait and then find nothing left to do.
 */
class MigrationLockTest {
    @Test
    void nodesStartingAtOnceOnAnEmptyDatabaseMigrateItOnce() throws Exception {
        String url = TestDatabase.newPostgresDatabase();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Store>> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return Store.open(url, TestDatabase.PG_USER, null, 5000);
            }));
        }
        go.countDown();
        List<Store> stores = new ArrayList<>();
        try {
            for (CompletableFuture<Store> node : nodes) {
                stores.add(node.get(2, TimeUnit.MINUTES));
            }
            long applied = stores.get(0).read(tx -> TestSql.of(tx).createQuery(
                    "SELECT COUNT(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL").mapTo(Long.class).one());
            long versions = stores.get(0).read(tx -> TestSql.of(tx).createQuery(
                    "SELECT COUNT(DISTINCT version) FROM flyway_schema_history WHERE version IS NOT NULL").mapTo(Long.class).one());
            assertEquals(versions, applied, "each migration applied once");
            long accounts = stores.get(2).read(tx -> tx.accounts().countAccounts());
            assertEquals(0, accounts, "every node reads the new schema");
        } finally {
            stores.forEach(Store::close);
        }
    }
}
