package dev.smartsat.sim;

import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.EventType;
import dev.smartsat.licensing.Events;
import dev.smartsat.store.Store;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Moves the server clock for the simulation controls (SPEC §9) and keeps its offset in the store, so a restart
 * (and every node of a cluster) reads the same simulated time. The offset and its {@code CLOCK_CHANGED} event are
 * written in one transaction, and the clock moves only once they are stored.
 */
public final class ClockControl {
    /** The range the store's millisecond instants and every expiry computed from them can hold. */
    public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9000-01-01T00:00:00Z");

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

    /**
     * Sets the clock to {@code text}, an ISO-8601 instant, as the field {@code now} of the API and the console
     * gives it: a 422 naming {@code now} when it is not one or lies outside {@link #EARLIEST}–{@link #LATEST}.
     */
    public void set(String text) {
        Instant target;
        try {
            target = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ClientError.Unprocessable("now", "now must be an ISO-8601 instant such as 2027-01-01T00:00:00Z");
        }
        set(inRange(target, "now"));
    }

    /** Moves the clock by {@code text}, an ISO-8601 duration (field {@code advance}), checked as {@link #set(String)}. */
    public void advance(String text) {
        Duration by;
        try {
            by = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new ClientError.Unprocessable("advance", "advance must be an ISO-8601 duration in days, hours,"
                    + " minutes or seconds, such as P31D or PT12H");
        }
        try {
            inRange(clock.instant().plus(by), "advance");
        } catch (ArithmeticException | DateTimeException e) {
            throw outOfRange("advance");
        }
        advance(by);
    }

    /** A 404 for every simulation control while {@code simulation.enabled} is false. */
    public static ClientError controlsOff() {
        return new ClientError.NotFound("simulation controls are off; set simulation.enabled: true to use them");
    }

    private static Instant inRange(Instant target, String field) {
        if (target.isBefore(EARLIEST) || target.isAfter(LATEST)) {
            throw outOfRange(field);
        }
        return target;
    }

    private static ClientError outOfRange(String field) {
        return new ClientError.Unprocessable(field, "the clock must stay between " + EARLIEST + " and " + LATEST);
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
