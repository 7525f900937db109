package dev.smartsat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.api.AdminCredentialsFile;
import dev.smartsat.auth.Clients;
import dev.smartsat.config.Catalog;
import dev.smartsat.config.Settings;
import dev.smartsat.config.SettingsLoader;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.licensing.Seeder;
import dev.smartsat.pki.Pki;
import dev.smartsat.store.Store;
import dev.smartsat.sync.SatelliteSync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10: the first node to start seeds the database, creates the bootstrap admin and the satellite id, and the
 * others use them. Two nodes are two stores on one database file, each running a first-start step at the same moment.
 */
class FirstStartSeedingTest {
    @TempDir
    Path dir;

    private Store a;
    private Store b;
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @BeforeEach
    void twoNodes() {
        String url = "jdbc:sqlite:" + dir.resolve("shared.db");
        a = Store.open(url, 10_000);
        b = Store.open(url, 10_000);
    }

    @AfterEach
    void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        a.close();
        b.close();
    }

    /** Runs both at once (as near as two threads released by one latch can) and returns both results. */
    private <T> List<T> together(Callable<T> onA, Callable<T> onB) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> c : List.of(onA, onB)) {
            futures.add(threads.submit(() -> {
                go.await();
                return c.call();
            }));
        }
        go.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    @Test
    void twoSeedersLeaveOneAccountWithItsVirtualAccountsAndPools() throws Exception {
        Settings settings = new SettingsLoader(Map.of()).flag("data.dir", dir.resolve("data")).load();
        Catalog catalog = Catalog.load(settings);
        Clock clock = Clock.systemUTC();

        List<Boolean> seeded = together(() -> Seeder.seedIfEmpty(a, settings.seed(), catalog, clock),
                () -> Seeder.seedIfEmpty(b, settings.seed(), catalog, clock));

        assertEquals(1, seeded.stream().filter(s -> s).count(), "one node seeded: " + seeded);
        List<SmartAccount> accounts = a.read(tx -> tx.accounts().accounts());
        assertEquals(1, accounts.size());
        long vas = a.read(tx -> tx.accounts().countVirtualAccounts(accounts.get(0).id()));
        assertEquals(settings.seed().virtualAccounts().size(), vas);
        long pools = settings.seed().virtualAccounts().stream()
                .mapToLong(va -> va.licenses() == null ? 0 : va.licenses().size()).sum();
        assertEquals(pools, (long) a.read(tx -> tx.accounts().virtualAccounts(accounts.get(0).id(), 1000, 0).stream()
                .mapToLong(va -> tx.pools().byVirtualAccount(va.id()).size()).sum()));
        assertEquals(false, Seeder.seedIfEmpty(b, settings.seed(), catalog, clock), "seeded once, then never");
    }

    @Test
    void twoNodesBootstrappingMakeOneAdminAndOneCredentialsFile() throws Exception {
        Path dataA = Files.createDirectories(dir.resolve("a"));
        Path dataB = Files.createDirectories(dir.resolve("b"));
        Clients onA = new Clients(a, Clock.systemUTC(), Clock.systemUTC(), Duration.ofHours(1), 4);
        Clients onB = new Clients(b, Clock.systemUTC(), Clock.systemUTC(), Duration.ofHours(1), 4);

        together(() -> {
            onA.bootstrap(Map.of(), AdminCredentialsFile.in(dataA));
            return null;
        }, () -> {
            onB.bootstrap(Map.of(), AdminCredentialsFile.in(dataB));
            return null;
        });

        assertEquals(1, onA.count());
        assertEquals("admin", onB.list(10, 0).get(0).clientId());
        long files = List.of(dataA, dataB).stream()
                .filter(d -> Files.exists(AdminCredentialsFile.in(d).path())).count();
        assertEquals(1, files, "the node that created the admin, and only it, wrote its credentials");
    }

    @Test
    void twoSatellitesOpeningTheirSyncShareOneSatelliteId() throws Exception {
        Pki pki = Pki.init(dir.resolve("certs"), List.of(), Clock.systemUTC());
        List<String> ids = together(
                () -> SatelliteSync.open(a, Clock.systemUTC(), pki, null, null).state().satelliteId(),
                () -> SatelliteSync.open(b, Clock.systemUTC(), pki, null, null).state().satelliteId());
        assertEquals(ids.get(0), ids.get(1));
        assertEquals(ids.get(0), a.read(tx -> tx.sync().state()).orElseThrow().satelliteId());
    }
}
