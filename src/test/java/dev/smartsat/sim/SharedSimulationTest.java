package dev.smartsat.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.Await;
import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10: the simulated clock and the injected faults set on one node reach every node. Two nodes are two stores
 * on one database file, each with its own clock, faults and refresh, as two processes would have.
 */
class SharedSimulationTest {
    private static final long SEED = 42;

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private Node a;
    private Node b;

    private final class Node {
        final Store store;
        final SimulatedClock clock = new SimulatedClock();
        final ClockControl control;
        final Faults faults;
        final SimulationRefresh refresh;

        Node() {
            store = Store.open("jdbc:sqlite:" + dir.resolve("shared.db"), 5000);
            control = new ClockControl(store, clock);
            faults = new Faults(store, SEED);
            refresh = new SimulationRefresh(control, faults);
            open.add(store);
            open.add(refresh);
        }
    }

    @BeforeEach
    void twoNodes() {
        a = new Node();
        b = new Node();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void aClockMovedOnOneNodeIsReadByTheOtherWithinAPoll() throws Exception {
        b.refresh.start(SimulationRefresh.PERIOD);
        a.control.advance(Duration.ofDays(31));
        assertEquals(Duration.ofDays(31), a.clock.offset(), "the node asked moves at once");
        long moved = System.nanoTime();
        Await.until(() -> b.clock.offset().equals(Duration.ofDays(31)), "node B reads the offset node A stored");
        long seenMs = Duration.ofNanos(System.nanoTime() - moved).toMillis();
        assertTrue(seenMs <= 1000, "seen within a poll (500 ms) and a read, not " + seenMs + " ms");

        a.control.reset();
        Await.until(() -> b.clock.offset().isZero(), "node B follows node A back to the wall clock");
    }

    @Test
    void twoNodesAdvancingEachMoveTheStoredClock() {
        a.control.advance(Duration.ofHours(1));
        b.control.advance(Duration.ofHours(1));  // B has not refreshed: it still starts from the stored hour
        assertEquals(Duration.ofHours(2), b.clock.offset());
        a.refresh.refresh();
        assertEquals(Duration.ofHours(2), a.clock.offset());
    }

    @Test
    void faultsSetOnOneNodeApplyOnTheOtherWithItsOwnSeededDraws() throws Exception {
        b.refresh.start(SimulationRefresh.PERIOD);
        Faults.Rule half = new Faults.Rule(0.5, 503, 0);
        a.faults.set(half, Faults.Rule.NONE);
        Await.until(() -> b.faults.transportRule().equals(half), "node B applies the rule node A stored");
        assertEquals(Faults.Rule.NONE, b.faults.upstreamRule());

        // Each node draws from its own generator, re-seeded when it took the rules: the same requests fail on both.
        List<Boolean> onA = new ArrayList<>();
        List<Boolean> onB = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            onA.add(a.faults.transport().fail());
            onB.add(b.faults.transport().fail());
        }
        assertEquals(onA, onB);
        assertTrue(onA.contains(true) && onA.contains(false), "a 0.5 rate fails some and passes some: " + onA);

        // Setting the same rules again re-seeds every node, as it does the node asked.
        a.faults.set(half, Faults.Rule.NONE);
        b.refresh.refresh();
        assertEquals(onA.get(0), b.faults.transport().fail(), "node B's draws start over");

        a.faults.set(null, null);
        Await.until(() -> !b.faults.active(), "node B clears the faults node A cleared");
    }

    @Test
    void aNodeStartedLaterTakesTheStoredStateAtOnce() throws Exception {
        a.control.advance(Duration.ofDays(2));
        a.faults.set(Faults.Rule.NONE, new Faults.Rule(1.0, 500, 10));
        Node c = new Node();
        c.refresh.start(Duration.ofMinutes(1));  // no poll within the test: only the first read
        assertEquals(Duration.ofDays(2), c.clock.offset());
        assertEquals(new Faults.Rule(1.0, 500, 10), c.faults.upstreamRule());
    }
}
