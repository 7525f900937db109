package dev.smartsat.licensing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.config.Catalog;
import dev.smartsat.config.SettingsLoader;
import dev.smartsat.core.AlertType;
import dev.smartsat.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10: each alert is raised once, though every node evaluates. Two nodes are two stores on one database file,
 * each with its own evaluator, evaluating at the same moment a condition that has just begun to hold.
 */
class AlertNodesTest {
    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final List<Store> stores = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        stores.forEach(Store::close);
    }

    private AlertMonitor node(SimulatedClock clock, Compliance compliance) {
        Store store = Store.open("jdbc:sqlite:" + dir.resolve("shared.db"), 10_000);
        stores.add(store);
        return new AlertMonitor(store, clock, new Licenses(store, clock, compliance), true, AlertMail.NONE);
    }

    @Test
    void twoNodesEvaluatingAtOnceRaiseAnAlertOnce() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        Compliance compliance = new Compliance(Catalog.load(new SettingsLoader(Map.of())
                .flag("data.dir", dir.resolve("data")).load()));
        AlertMonitor a = node(clock, compliance);
        AlertMonitor b = node(clock, compliance);
        Store store = stores.get(0);
        store.write(tx -> {
            tx.sync().create("7d0c2a54-0000-4000-8000-000000000001");
            tx.alerts().markFirstStart(clock.instant());
            return null;
        });
        clock.setOffset(AlertMonitor.SYNC_OVERDUE_AFTER.plus(Duration.ofHours(1)));  // no sync for 30 days and more

        for (int round = 0; round < 3; round++) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<AlertMonitor.Changes>> both = List.of(a, b).stream().map(node -> threads.submit(() -> {
                go.await();
                return node.evaluate();
            })).toList();
            go.countDown();
            int raised = 0;
            for (Future<AlertMonitor.Changes> f : both) {
                raised += f.get(30, TimeUnit.SECONDS).raised();  // neither evaluation fails
            }
            assertEquals(round == 0 ? 1 : 0, raised, "round " + round);
        }
        assertEquals(1L, (long) store.read(tx -> tx.alerts().active().stream()
                .filter(x -> x.type().equals(AlertType.SYNC_OVERDUE.name())).count()));
    }
}
