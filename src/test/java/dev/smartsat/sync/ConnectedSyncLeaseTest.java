package dev.smartsat.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.MutableClock;
import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.config.Catalog;
import dev.smartsat.config.Settings;
import dev.smartsat.config.SettingsLoader;
import dev.smartsat.licensing.Compliance;
import dev.smartsat.pki.Pki;
import dev.smartsat.sim.Faults;
import dev.smartsat.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * SPEC §10: connected sync runs on exactly one node per interval. Two nodes are two stores on one database file,
 * each with its own satellite sync and schedule, sharing the simulated clock as nodes do. Their upstream has no
 * trust configured, so every sync fails at once and is recorded: what the test counts.
 */
class ConnectedSyncLeaseTest {
    private static final Duration INTERVAL = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final MutableClock wall = new MutableClock();
    private final SimulatedClock clock = new SimulatedClock(wall);
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private Store storeA;
    private Store storeB;
    private SatelliteSync syncA;
    private SatelliteSync syncB;
    private ConnectedSync nodeA;
    private ConnectedSync nodeB;

    @BeforeEach
    void twoNodes() {
        Settings settings = new SettingsLoader(Map.of()).flag("data.dir", dir.resolve("data")).load();
        Compliance compliance = new Compliance(Catalog.load(settings));
        Pki pki = Pki.init(dir.resolve("certs"), List.of(), clock);
        Settings.Upstream upstream = new Settings.Upstream("https://127.0.0.1:9", "id", "secret", INTERVAL.toString(), null);
        String url = "jdbc:sqlite:" + dir.resolve("shared.db");
        storeA = Store.open(url, 10_000);
        storeB = Store.open(url, 10_000);
        syncA = SatelliteSync.open(storeA, clock, pki, compliance, null);
        syncB = SatelliteSync.open(storeB, clock, pki, compliance, null);
        nodeA = new ConnectedSync(syncA, new SyncLease(storeA, wall, "A"), upstream, 1 << 20, new Faults(storeA, 1), clock);
        nodeB = new ConnectedSync(syncB, new SyncLease(storeB, wall, "B"), upstream, 1 << 20, new Faults(storeB, 1), clock);
    }

    @AfterEach
    void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        nodeA.close();
        nodeB.close();
        storeA.close();
        storeB.close();
    }

    private long syncs() {
        return syncA.failures() + syncB.failures();
    }

    /** Both nodes' schedulers look at the same moment. */
    private void tickBoth() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> ticks = List.of(nodeA, nodeB).stream().map(node -> threads.submit(() -> {
            go.await();
            node.tick();
            return null;
        })).toList();
        go.countDown();
        for (Future<Object> f : ticks) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void ofTwoNodesOnlyOneSyncsEachInterval() throws Exception {
        tickBoth();
        assertEquals(0, syncs(), "nothing is due before the first interval has passed");

        clock.setOffset(INTERVAL.plusSeconds(1));
        tickBoth();
        assertEquals(1, syncs(), "one of the two nodes synced");
        tickBoth();
        assertEquals(1, syncs(), "and neither again within the interval");
        assertTrue(nodeA.nextScheduled().isAfter(clock.instant()) && nodeB.nextScheduled().isAfter(clock.instant()),
                "both schedules moved past the sync: " + nodeA.nextScheduled() + ", " + nodeB.nextScheduled());

        clock.setOffset(INTERVAL.multipliedBy(2).plusSeconds(2));
        tickBoth();
        assertEquals(2, syncs(), "the next interval's sync, again on one node");
    }

    @Test
    void aNodeThatDiedHoldingTheLeaseHoldsUpTheSyncOnlyUntilTheLeaseEnds() throws Exception {
        Instant taken = wall.instant();
        int took = storeA.write(tx -> tx.leases().take(SyncLease.NAME, "dead", taken, taken.plus(SyncLease.TERM)));
        assertEquals(1, took);
        clock.setOffset(INTERVAL.plusSeconds(1));
        tickBoth();
        assertEquals(0, syncs(), "the lease is held by a node that is syncing (or died doing so)");

        wall.advance(SyncLease.TERM);  // the wall clock, which leases run on: the simulated clock keeps its offset
        tickBoth();
        assertEquals(1, syncs(), "once the lease ended, one node synced");
    }

    @Test
    void syncNowRunsOnTheNodeAskedAndTheOtherNodeCountsIt() throws Exception {
        clock.setOffset(INTERVAL.plusSeconds(1));
        nodeB.syncNow();
        assertEquals(1, syncB.failures(), "B synced when asked");
        tickBoth();
        assertEquals(1, syncs(), "the interval's sync has been made: A's schedule does not make another");
    }
}
