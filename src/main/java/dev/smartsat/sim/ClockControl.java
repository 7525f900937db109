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
import java.util.function.UnaryOperator;

/**
 * Moves the server clock for the simulation controls (SPEC §9) and keeps its offset in the store, so a restart
 * (and every node of a cluster) reads the same simulated time. The offset and its {@code CLOCK_CHANGED} event are
 * written in one transaction, and the clock moves only once they are stored; the other nodes take the new offset
 * at their next {@link #refresh()} ({@link SimulationRefresh}).
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

    /**
     * Puts the clock at the stored offset (the wall clock if none is stored): at start, and whenever another node
     * may have moved it. Synchronized with {@link #moveTo}, so a read made before this node's own move cannot put
     * the clock back after it.
     */
    public synchronized void refresh() {
        long millis = store.read(tx -> tx.clock().offsetMillis()).orElse(0L);
        clock.setOffset(Duration.ofMillis(millis));
    }

    /** Sets the clock to read {@code now} at this moment. */
    public void set(Instant now) {
        Duration offset = Duration.between(clock.instant(), now).plus(clock.offset());
        moveTo(stored -> offset);
    }

    /**
     * Moves the clock by {@code by} (back, for a negative duration): from the stored offset, not this node's copy,
     * so two nodes advancing at once move the clock by both.
     */
    public void advance(Duration by) {
        moveTo(stored -> stored.plus(by));
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
        moveTo(stored -> Duration.ZERO);
    }

    /** Stores the offset {@code to} makes of the stored one, with its event, then moves this node's clock. */
    private synchronized void moveTo(UnaryOperator<Duration> to) {
        Instant wall = clock.instant().minus(clock.offset());
        Duration millis = store.write(tx -> {
            Duration stored = Duration.ofMillis(tx.clock().offsetMillis().orElse(0L));
            Duration offset = Duration.ofMillis(to.apply(stored).toMillis());
            Instant before = wall.plus(stored);
            Instant after = wall.plus(offset);
            tx.clock().save(offset.toMillis());
            Events.recordGlobal(tx, after, EventType.CLOCK_CHANGED, "Server clock moved from " + before + " to " + after
                    + " (offset " + offset + " from the wall clock)");
            return offset;
        });
        clock.setOffset(millis);
    }
}
