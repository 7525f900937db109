package dev.smartsat.sim;

import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.core.EventType;
import dev.smartsat.licensing.Events;
import dev.smartsat.store.Store;
import java.time.Duration;
import java.time.Instant;

/**
 * Moves the server clock for the simulation controls (SPEC §9) and keeps its offset in the store, so a restart
 * (and every node of a cluster) reads the same simulated time. The offset and its {@code CLOCK_CHANGED} event are
 * written in one transaction, and the clock moves only once they are stored.
 */
public final class ClockControl {
    private final Store store;
    private final SimulatedClock clock;

    public ClockControl(Store store, SimulatedClock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Puts the clock at the offset stored by an earlier run; the wall clock if none is stored. */
    public static void restore(Store store, SimulatedClock clock) {
        long millis = store.read(tx -> tx.clock().offsetMillis()).orElse(0L);
        clock.setOffset(Duration.ofMillis(millis));
    }

    /** Sets the clock to read {@code now} at this moment. */
    public void set(Instant now) {
        moveTo(Duration.between(clock.instant(), now).plus(clock.offset()));
    }

    /** Moves the clock by {@code by} (back, for a negative duration). */
    public void advance(Duration by) {
        moveTo(clock.offset().plus(by));
    }

    /** Back to the wall clock: offset zero. */
    public void reset() {
        moveTo(Duration.ZERO);
    }

    private void moveTo(Duration offset) {
        Duration millis = Duration.ofMillis(offset.toMillis());
        Instant before = clock.instant();
        Instant after = before.plus(millis.minus(clock.offset()));
        store.write(tx -> {
            tx.clock().save(millis.toMillis());
            Events.recordGlobal(tx, after, EventType.CLOCK_CHANGED, "Server clock moved from " + before + " to " + after
                    + " (offset " + millis + " from the wall clock)");
            return null;
        });
        clock.setOffset(millis);
    }
}
