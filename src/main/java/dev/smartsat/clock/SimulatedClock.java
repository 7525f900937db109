package dev.smartsat.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one server clock: the wall clock shifted by an offset that simulation controls may move.
 * It keeps ticking from whatever time it was set to.
 */
public final class SimulatedClock extends Clock {
    private final Clock wall;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public SimulatedClock() {
        this(Clock.systemUTC());
    }

    public SimulatedClock(Clock wall) {
        this.wall = wall;
    }

    /** Millisecond precision: what the store keeps is what every answer shows. */
    @Override
    public Instant instant() {
        return wall.instant().plus(offset.get()).truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the server clock is always UTC");
    }

    /** The distance between this clock and the wall clock. */
    public Duration offset() {
        return offset.get();
    }

    /** Puts the clock at this distance from the wall clock (a stored offset, or zero for the wall clock). */
    public void setOffset(Duration to) {
        offset.set(to);
    }

    /** Sets the clock so that it reads {@code now} at this moment, and ticks on from there. */
    public void set(Instant now) {
        offset.set(Duration.between(wall.instant(), now));
    }

    /** Moves the clock forward (or back, for a negative duration). */
    public void advance(Duration by) {
        offset.updateAndGet(current -> current.plus(by));
    }
}
